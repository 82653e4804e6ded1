// Endpoint — where a service call goes and which region signs it, per partition and overrides.
import Foundation

/// The AWS services trustline calls, with their Query API versions.
public enum AWSService: String, Sendable, CaseIterable {
    case sts, iam, cloudformation, sns

    /// The Query API version of the service.
    public var apiVersion: String {
        switch self {
        case .sts: return "2011-06-15"
        case .iam: return "2010-05-08"
        case .cloudformation: return "2010-05-15"
        case .sns: return "2010-03-31"
        }
    }

    /// The service's name in signatures.
    public var signingName: String { rawValue }

    /// The suffix of `AWS_ENDPOINT_URL_<SUFFIX>` and the key in a `[services]` config section.
    var environmentSuffix: String { rawValue.uppercased() }
}

/// A resolved endpoint: the URL to call and the region to sign for.
public struct Endpoint: Sendable, Equatable {
    public var url: URL
    public var signingRegion: String
}

/// An AWS partition: its DNS suffix and the home of its global IAM endpoint.
public struct Partition: Sendable, Equatable {
    public var name: String
    public var dnsSuffix: String
    public var iamHost: String
    public var iamRegion: String

    public static let aws = Partition(name: "aws", dnsSuffix: "amazonaws.com", iamHost: "iam.amazonaws.com", iamRegion: "us-east-1")
    public static let china = Partition(name: "aws-cn", dnsSuffix: "amazonaws.com.cn", iamHost: "iam.cn-north-1.amazonaws.com.cn", iamRegion: "cn-north-1")
    public static let govCloud = Partition(name: "aws-us-gov", dnsSuffix: "amazonaws.com", iamHost: "iam.us-gov.amazonaws.com", iamRegion: "us-gov-west-1")

    /// The partition a region belongs to.
    public static func of(region: String) -> Partition {
        if region.hasPrefix("cn-") { return .china }
        if region.hasPrefix("us-gov-") { return .govCloud }
        return .aws
    }
}

/// Resolves endpoints as the AWS SDKs do: `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`,
/// then the config file (`[services x]` sections and a profile's `endpoint_url`), unless
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`; otherwise the partition's default endpoint.
public struct EndpointResolver: Sendable {
    public var environment: [String: String]
    /// Overrides read from the config file, keyed by service (`"*"` for the profile's `endpoint_url`).
    public var configuredEndpoints: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, configuredEndpoints: [String: String] = [:]) {
        self.environment = environment
        self.configuredEndpoints = configuredEndpoints
    }

    public func endpoint(for service: AWSService, region: String) throws -> Endpoint {
        if let override = try overrideURL(for: service) {
            // With an override, sign with the configured region (IAM's home region when global).
            return Endpoint(url: override, signingRegion: region)
        }
        let partition = Partition.of(region: region)
        let host: String
        let signingRegion: String
        switch service {
        case .iam:
            host = partition.iamHost
            signingRegion = partition.iamRegion
        default:
            host = "\(service.rawValue).\(region).\(partition.dnsSuffix)"
            signingRegion = region
        }
        guard Self.isValidRegion(region), let url = URL(string: "https://\(host)/") else {
            throw EndpointError(detail: "'\(region)' is not a valid AWS region name")
        }
        return Endpoint(url: url, signingRegion: signingRegion)
    }

    private func overrideURL(for service: AWSService) throws -> URL? {
        if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true" { return nil }
        let candidates: [(String, String?)] = [
            ("AWS_ENDPOINT_URL_\(service.environmentSuffix)", environment["AWS_ENDPOINT_URL_\(service.environmentSuffix)"]),
            ("AWS_ENDPOINT_URL", environment["AWS_ENDPOINT_URL"]),
            ("config file services.\(service.rawValue).endpoint_url", configuredEndpoints[service.rawValue]),
            ("config file endpoint_url", configuredEndpoints["*"]),
        ]
        for (origin, value) in candidates {
            guard let value, !value.isEmpty else { continue }
            guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host != nil else {
                throw EndpointError(detail: "\(origin) is not an http(s) URL: \(value)")
            }
            return url
        }
        return nil
    }

    static func isValidRegion(_ region: String) -> Bool {
        !region.isEmpty && region.count <= 32 && region.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }
}

/// An endpoint that cannot be resolved (bad region, bad override URL).
public struct EndpointError: Error, LocalizedError, Sendable {
    public let detail: String
    public var errorDescription: String? { "cannot resolve the AWS endpoint: \(detail)" }
}
