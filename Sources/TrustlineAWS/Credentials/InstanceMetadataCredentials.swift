// InstanceMetadataCredentials — the EC2 instance role through IMDSv2 (session token first).
import Foundation

/// The instance role's credentials through IMDSv2: `PUT /latest/api/token`, then the role name
/// and its credentials under `/latest/meta-data/iam/security-credentials/`. Off when
/// `AWS_EC2_METADATA_DISABLED=true`; endpoint from `AWS_EC2_METADATA_SERVICE_ENDPOINT`.
public enum InstanceMetadataCredentials {
    public static func isDisabled(_ environment: [String: String]) -> Bool {
        environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true"
    }

    public static func fetch(environment: [String: String], http: HTTPClient) async throws -> AWSCredentials {
        let base = (environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? "http://169.254.169.254").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard let baseURL = URL(string: base), let scheme = baseURL.scheme, scheme == "http" || scheme == "https" else {
            throw CredentialError(.invalidProfile, profile: nil, detail: "AWS_EC2_METADATA_SERVICE_ENDPOINT is not a URL")
        }
        func url(_ path: String) throws -> URL {
            guard let url = URL(string: base + path) else {
                throw CredentialError(.sourceFailed, profile: nil, detail: "bad instance metadata path")
            }
            return url
        }
        func failed(_ what: String) -> CredentialError {
            CredentialError(.sourceFailed, profile: nil, detail: "instance metadata service: \(what)")
        }
        do {
            let tokenResponse = try await http.send(
                HTTPRequest(
                    method: "PUT", url: try url("/latest/api/token"),
                    headers: [(name: "X-aws-ec2-metadata-token-ttl-seconds", value: "21600")], timeout: 1))
            guard tokenResponse.status == 200 else { throw failed("token request answered HTTP \(tokenResponse.status)") }
            let token = String(decoding: tokenResponse.body, as: UTF8.self)
            let auth = [(name: "X-aws-ec2-metadata-token", value: token)]
            let roleResponse = try await http.send(
                HTTPRequest(method: "GET", url: try url("/latest/meta-data/iam/security-credentials/"), headers: auth, timeout: 1))
            guard roleResponse.status == 200,
                let role = String(decoding: roleResponse.body, as: UTF8.self).split(separator: "\n").first.map(String.init), !role.isEmpty
            else { throw failed("no instance role (HTTP \(roleResponse.status))") }
            let encodedRole = SigV4Signer.percentEncode(role)
            let credentialResponse = try await http.send(
                HTTPRequest(
                    method: "GET", url: try url("/latest/meta-data/iam/security-credentials/\(encodedRole)"), headers: auth, timeout: 1))
            guard credentialResponse.status == 200 else { throw failed("credentials request answered HTTP \(credentialResponse.status)") }
            var credentials = try ProcessCredentials.decode(credentialResponse.body, source: "instance role \(role)", profile: nil, requireVersion: false)
            credentials.source = "EC2 instance role \(role)"
            return credentials
        } catch let error as TransportError {
            throw failed("unreachable (\(error.kind.rawValue))")
        }
    }
}
