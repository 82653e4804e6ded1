// ContainerCredentials — the ECS/CodeBuild credentials endpoint.
import Foundation

/// Credentials from `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (served at 169.254.170.2, as in
/// CodeBuild and ECS) or `AWS_CONTAINER_CREDENTIALS_FULL_URI` (https, or http to a loopback or
/// the container hosts only), with `AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]`.
public enum ContainerCredentials {
    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]", "localhost", "::1", "[::1]"]

    /// Whether the environment names a container endpoint.
    public static func isConfigured(_ environment: [String: String]) -> Bool {
        environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] != nil || environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] != nil
    }

    public static func fetch(environment: [String: String], http: HTTPClient) async throws -> AWSCredentials {
        let url = try endpoint(environment)
        var request = HTTPRequest(method: "GET", url: url, headers: [(name: "Accept", value: "application/json")], timeout: 2)
        if let tokenFile = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] {
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw CredentialError(.sourceFailed, profile: nil, detail: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(tokenFile)")
            }
            request.headers.append((name: "Authorization", value: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] {
            request.headers.append((name: "Authorization", value: token))
        }
        var lastError: Error?
        for _ in 0..<3 {
            do {
                let response = try await http.send(request)
                guard response.status == 200 else {
                    throw CredentialError(
                        .sourceFailed, profile: nil, detail: "container credentials endpoint \(url.host ?? "") answered HTTP \(response.status)")
                }
                return try ProcessCredentials.decode(response.body, source: "container credentials endpoint", profile: nil, requireVersion: false)
            } catch let error as TransportError {
                lastError = error
            }
        }
        throw CredentialError(.sourceFailed, profile: nil, detail: "container credentials endpoint unreachable: \(lastError?.localizedDescription ?? "")")
    }

    static func endpoint(_ environment: [String: String]) throws -> URL {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            guard relative.hasPrefix("/"), let url = URL(string: "http://169.254.170.2" + relative) else {
                throw CredentialError(.invalidProfile, profile: nil, detail: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be a path starting with '/'")
            }
            return url
        }
        let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] ?? ""
        guard let url = URL(string: full), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else {
            throw CredentialError(.invalidProfile, profile: nil, detail: "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL")
        }
        guard scheme == "https" || (scheme == "http" && (url.isLoopback || allowedHTTPHosts.contains(host))) else {
            throw CredentialError(
                .invalidProfile, profile: nil,
                detail: "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, or http to a loopback or container host")
        }
        return url
    }
}
