// TerminalPrompt — asks for an MFA code on the controlling terminal, never on a pipe.
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads an MFA code from `/dev/tty` when there is a terminal; a clear error otherwise (CI).
public enum TerminalPrompt {
    public static let readMFACode: CredentialResolver.MFACodeReader = { serial, profile in
        guard isatty(STDIN_FILENO) == 1, let tty = fopen("/dev/tty", "r+") else {
            throw CredentialError(
                .mfaUnavailable, profile: profile,
                detail:
                    "the role needs an MFA code (mfa_serial \(serial)) and there is no terminal to ask on; run where you can type it, or use credentials that need no MFA"
            )
        }
        defer { fclose(tty) }
        fputs("Enter MFA code for \(serial) (profile \(profile)): ", tty)
        fflush(tty)
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, Int32(buffer.count), tty) != nil else {
            throw CredentialError(.mfaUnavailable, profile: profile, detail: "no MFA code was entered")
        }
        let code = String(cString: buffer).trimmingCharacters(in: .whitespacesAndNewlines)
        guard code.count == 6, code.allSatisfy(\.isNumber) else {
            throw CredentialError(.mfaUnavailable, profile: profile, detail: "an MFA code is six digits")
        }
        return code
    }
}
