// ShellQuoting — renders argument vectors as lines any POSIX shell reads back as the same argv.
import Foundation

/// Quotes words for a POSIX shell.
public enum ShellQuoting {
    /// Characters that never need quoting.
    static let safe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-")

    /// One word, single-quoted unless it is made only of safe characters (`'` becomes `'\''`).
    public static func quote(_ word: String) -> String {
        if !word.isEmpty && word.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// A whole argv as one line.
    public static func line(_ argv: [String]) -> String {
        argv.map(quote).joined(separator: " ")
    }
}
