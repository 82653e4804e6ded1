// SigV4Signer — AWS Signature Version 4 over swift-crypto, with the clock passed in.
import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Signs requests with AWS Signature Version 4 (header form).
///
/// trustline signs on its own rather than with libcurl's `CURLOPT_AWS_SIGV4`: the signature is
/// then a pure function of (request, credentials, scope, time), checked against the AWS SigV4
/// test-suite vectors and botocore, independent of the libcurl version and its quirks.
public struct SigV4Signer: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    public var service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Adds `Host`, `X-Amz-Date`, `X-Amz-Security-Token` (when there is a session token),
    /// `X-Amz-Content-Sha256` (when asked) and `Authorization` to the request.
    public func sign(_ request: inout HTTPRequest, at date: Date, includeContentHash: Bool = false) {
        let amzDate = Self.amzDate(date)
        let payloadHash = Self.hex(SHA256.hash(data: request.body))
        var headers = request.headers.filter {
            !["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"].contains($0.name.lowercased())
        }
        if !headers.contains(where: { $0.name.lowercased() == "host" }) {
            headers.insert((name: "Host", value: Self.hostHeader(request.url)), at: 0)
        }
        headers.append((name: "X-Amz-Date", value: amzDate))
        if includeContentHash { headers.append((name: "X-Amz-Content-Sha256", value: payloadHash)) }
        if let token = credentials.sessionToken { headers.append((name: "X-Amz-Security-Token", value: token)) }
        request.headers = headers

        let authorization = authorizationHeader(for: request, amzDate: amzDate, payloadHash: payloadHash)
        request.headers.append((name: "Authorization", value: authorization))
    }

    /// The `Authorization` header value for a request that already carries its `X-Amz-Date`.
    func authorizationHeader(for request: HTTPRequest, amzDate: String, payloadHash: String) -> String {
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let (canonical, signedHeaders) = Self.canonicalRequest(request, payloadHash: payloadHash)
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, Self.hex(SHA256.hash(data: Data(canonical.utf8)))].joined(separator: "\n")

        let key = SigningKeys.shared.key(secret: credentials.secretAccessKey, day: day, region: region, service: service)
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// The canonical request and the signed-headers list, as SigV4 defines them.
    static func canonicalRequest(_ request: HTTPRequest, payloadHash: String) -> (String, String) {
        // Lower-case names, values with runs of blanks made one space; one line per name, its
        // values joined by commas in the order given; lines sorted by name.
        let headers = request.headers.enumerated().map { index, header in
            (name: header.name.lowercased(), value: normalizedValue(header.value), index: index)
        }.sorted { ($0.name, $0.index) < ($1.name, $1.index) }
        var canonicalHeaders = ""
        var signedHeaders = ""
        for (position, header) in headers.enumerated() {
            if position > 0, headers[position - 1].name == header.name {
                canonicalHeaders.removeLast()  // the line break: the value joins the previous line
                canonicalHeaders += ",\(header.value)\n"
                continue
            }
            if !signedHeaders.isEmpty { signedHeaders += ";" }
            signedHeaders += header.name
            canonicalHeaders += "\(header.name):\(header.value)\n"
        }
        let path = canonicalPath(request.url.path(percentEncoded: true))
        let query = canonicalQuery(request.url.query(percentEncoded: true))
        let canonical = "\(request.method.uppercased())\n\(path)\n\(query)\n\(canonicalHeaders)\n\(signedHeaders)\n\(payloadHash)"
        return (canonical, signedHeaders)
    }

    /// A header value trimmed, its inner runs of spaces and tabs made one space.
    private static func normalizedValue(_ value: String) -> String {
        var previousBlank = true
        let needsWork =
            value.utf8.contains { byte in
                let blank = byte == 0x20 || byte == 0x09
                defer { previousBlank = blank }
                return blank && (previousBlank || byte == 0x09)
            } || value.utf8.last == 0x20
        guard needsWork else { return value }
        return value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// Normalizes the path (`.` and `..` removed, duplicate slashes kept as in the suite) and
    /// encodes each segment twice, as every service but S3 expects.
    static func canonicalPath(_ encodedPath: String) -> String {
        if encodedPath.isEmpty { return "/" }
        var segments: [String] = []
        let parts = encodedPath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for (index, part) in parts.enumerated() {
            if index == 0 && part.isEmpty { continue }
            switch part {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(part)
            }
        }
        let trailingSlash = encodedPath.hasSuffix("/") && !segments.isEmpty && segments.last != ""
        var path = "/" + segments.map { percentEncode($0) }.joined(separator: "/")
        if trailingSlash { path += "/" }
        return path
    }

    static func canonicalQuery(_ encodedQuery: String?) -> String {
        guard let encodedQuery, !encodedQuery.isEmpty else { return "" }
        let pairs: [(String, String)] = encodedQuery.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].percentDecoded ?? String(parts[0])
            let value = parts.count > 1 ? (parts[1].percentDecoded ?? String(parts[1])) : ""
            return (percentEncode(name), percentEncode(value))
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    private static let upperHexDigits = Array("0123456789ABCDEF".utf8)

    static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8))

    /// Percent-encodes every byte except `A-Za-z0-9-_.~`, with upper-case hex digits.
    public static func percentEncode(_ string: String) -> String {
        var out = ""
        out.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            if unreserved.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(upperHexDigits[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(upperHexDigits[Int(byte & 0x0F)]))
            }
        }
        return out
    }

    static func hostHeader(_ url: URL) -> String {
        let host = url.host ?? ""
        guard let port = url.port else { return host }
        let scheme = url.scheme?.lowercased()
        if (scheme == "https" && port == 443) || (scheme == "http" && port == 80) { return host }
        return "\(host):\(port)"
    }

    /// `YYYYMMDDTHHMMSSZ` in UTC, from the C library's `gmtime_r` (Foundation's Calendar and
    /// `String(format:)` were a third of the signer's time).
    static func amzDate(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)

        var out: [UInt8] = []
        out.reserveCapacity(16)
        func digits(_ value: Int64, _ width: Int) {
            var field = [UInt8](repeating: UInt8(ascii: "0"), count: width)
            var rest = max(value, 0)
            for position in stride(from: width - 1, through: 0, by: -1) {
                field[position] += UInt8(rest % 10)
                rest /= 10
            }
            out += field
        }
        digits(Int64(parts.tm_year) + 1900, 4)
        digits(Int64(parts.tm_mon) + 1, 2)
        digits(Int64(parts.tm_mday), 2)
        out.append(UInt8(ascii: "T"))
        digits(Int64(parts.tm_hour), 2)
        digits(Int64(parts.tm_min), 2)
        digits(Int64(parts.tm_sec), 2)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex; table-driven (it runs three times per signed request).
    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(hexDigits[Int(byte >> 4)])
            bytes.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// SigV4 signing keys by (secret, day, region, service): the four HMACs that derive one were half
/// the cost of signing a request. An audit uses about four per account (its own session's keys,
/// for STS, IAM and CloudFormation in each region), each for a few requests. Bounded (about
/// 2 MB at most); the secrets are those already in this process's memory.
final class SigningKeys: @unchecked Sendable {
    static let shared = SigningKeys()

    private struct Scope: Hashable {
        let secret: String
        let day: String
        let region: String
        let service: String
    }

    private let lock = NSLock()
    private var keys: [Scope: SymmetricKey] = [:]
    private let capacity = 8_192

    func key(secret: String, day: String, region: String, service: String) -> SymmetricKey {
        let scope = Scope(secret: secret, day: day, region: region, service: service)
        lock.lock()
        let cached = keys[scope]
        lock.unlock()
        if let cached { return cached }
        var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        lock.lock()
        if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
        keys[scope] = key
        lock.unlock()
        return key
    }
}
