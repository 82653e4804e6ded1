// ShardError — why a `--shard` value (or a report's shard) is not one trustline accepts.
import Foundation

/// A shard that is not `K/N` with 1 ≤ K ≤ N ≤ 1000.
public struct ShardError: Error, LocalizedError, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        case notKOfN
        case countOutOfRange
        case indexOutOfRange
    }

    let code: Code
    /// The value as given.
    public let text: String

    init(_ code: Code, text: String) {
        self.code = code
        self.text = text
    }

    /// One sentence naming the value and what is accepted.
    public var message: String {
        let shown = "'\(String(text.prefix(40)))'"
        switch code {
        case .notKOfN:
            return "\(shown) is not a shard: write K/N, the K-th of N shards (e.g. 2/4)"
        case .countOutOfRange:
            return "\(shown): the number of shards N must be from 1 to \(Shard.maximumCount)"
        case .indexOutOfRange:
            return "\(shown): the shard K must be from 1 to N"
        }
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
