// Shard — one of N stable slices of a topology's environments, so that a large organisation can
// be audited by N parallel jobs (a CI matrix, a batch build, indexed jobs) and the reports merged.
// Pure: an environment's shard depends on its account id and N only.

/// Shard `index` of `count` (`2/4`): the environments whose account hashes to it.
///
/// Assignment is by account, never by environment or region: every environment and region of
/// one account lands in the same shard, so IAM (global) is read once per account, as in an
/// unsharded audit. The shard is `fmix64(FNV-1a-64(account id)) mod count + 1` (``hash(account:)``),
/// so the assignment does not depend on the order of the topology file, on the other
/// environments, or on which shards run — only on the account id and the shard count.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The largest shard count accepted.
    public static let maximumCount = 1000

    /// The whole topology: shard 1 of 1.
    public static let whole = Shard(checkedIndex: 1, count: 1)

    /// 1-based: from 1 to ``count``.
    public let index: Int
    /// How many shards the environments are split into (1…``maximumCount``).
    public let count: Int

    /// - Throws: ``ShardError`` unless 1 ≤ index ≤ count ≤ ``maximumCount``.
    public init(index: Int, count: Int) throws(ShardError) {
        guard count >= 1 && count <= Self.maximumCount else { throw ShardError(.countOutOfRange, text: "\(index)/\(count)") }
        guard index >= 1 && index <= count else { throw ShardError(.indexOutOfRange, text: "\(index)/\(count)") }
        self.init(checkedIndex: index, count: count)
    }

    /// Reads `K/N` (`2/4`), as `--shard` takes it.
    public init(parsing text: String) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Self.number(parts[0]), let count = Self.number(parts[1]) else {
            throw ShardError(.notKOfN, text: text)
        }
        guard count >= 1 && count <= Self.maximumCount else { throw ShardError(.countOutOfRange, text: text) }
        guard index >= 1 && index <= count else { throw ShardError(.indexOutOfRange, text: text) }
        self.init(checkedIndex: index, count: count)
    }

    private init(checkedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Decimal digits only (no sign, no spaces), at most 4 of them.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 4, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// `2/4`.
    public var description: String { "\(index)/\(count)" }

    /// Whether this shard audits the environments of `account`.
    public func contains(account: String) -> Bool {
        Self.index(ofAccount: account, count: count) == index
    }

    /// The shard (1…`count`) that audits the environments of `account`.
    public static func index(ofAccount account: String, count: Int) -> Int {
        guard count > 1 else { return 1 }
        return Int(hash(account: account) % UInt64(count)) + 1
    }

    /// FNV-1a 64 of the account id, finished with MurmurHash3's `fmix64`: FNV's low bits alone
    /// follow the digits' parities (every id of twelve repeated digits fell in one shard of 4).
    public static func hash(account: String) -> UInt64 {
        fmix64(fnv1a64(account))
    }

    /// FNV-1a, 64 bits, over the UTF-8 bytes: stable across runs, platforms and Swift versions
    /// (unlike `Hasher`, which is seeded per process).
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// MurmurHash3's 64-bit finaliser: every input bit affects every output bit.
    public static func fmix64(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    enum CodingKeys: String, CodingKey { case index, count }

    /// Reads `{"index": K, "count": N}`, rejecting values no audit writes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let index = try container.decode(Int.self, forKey: .index)
        let count = try container.decode(Int.self, forKey: .count)
        do {
            try self.init(index: index, count: count)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .index, in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(count, forKey: .count)
    }
}
