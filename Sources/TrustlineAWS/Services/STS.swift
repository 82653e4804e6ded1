// STS — the Security Token Service calls trustline makes: who am I, and assume a role.
import Foundation

/// The caller identity that `GetCallerIdentity` returns.
public struct CallerIdentity: Sendable, Equatable, Codable {
    public var account: String
    public var arn: String
    public var userId: String
}

/// STS calls over a ``QueryClient``.
public struct STS: Sendable {
    public let client: QueryClient

    public init(client: QueryClient) {
        self.client = client
    }

    public func getCallerIdentity() async throws -> CallerIdentity {
        let result = try await client.send(QueryRequest(.sts, "GetCallerIdentity"))
        return try Self.decodeCallerIdentity(result)
    }

    /// Parameters of `AssumeRole`.
    public struct AssumeRoleInput: Sendable, Equatable {
        public var roleArn: String
        public var sessionName: String
        public var externalId: String?
        public var durationSeconds: Int?
        public var mfaSerial: String?
        public var mfaCode: String?

        public init(
            roleArn: String, sessionName: String, externalId: String? = nil, durationSeconds: Int? = nil,
            mfaSerial: String? = nil, mfaCode: String? = nil
        ) {
            self.roleArn = roleArn
            self.sessionName = sessionName
            self.externalId = externalId
            self.durationSeconds = durationSeconds
            self.mfaSerial = mfaSerial
            self.mfaCode = mfaCode
        }
    }

    public func assumeRole(_ input: AssumeRoleInput) async throws -> AWSCredentials {
        var parameters = [("RoleArn", input.roleArn), ("RoleSessionName", input.sessionName)]
        if let externalId = input.externalId { parameters.append(("ExternalId", externalId)) }
        if let duration = input.durationSeconds { parameters.append(("DurationSeconds", String(duration))) }
        if let serial = input.mfaSerial, let code = input.mfaCode {
            parameters.append(("SerialNumber", serial))
            parameters.append(("TokenCode", code))
        }
        let result = try await client.send(QueryRequest(.sts, "AssumeRole", parameters))
        return try Self.decodeCredentials(result, action: "AssumeRole", source: "assumed role \(input.roleArn)")
    }

    /// `AssumeRoleWithWebIdentity` — unsigned: the client may have no credentials.
    public func assumeRoleWithWebIdentity(roleArn: String, sessionName: String, token: String, durationSeconds: Int? = nil) async throws -> AWSCredentials {
        var parameters = [("RoleArn", roleArn), ("RoleSessionName", sessionName), ("WebIdentityToken", token)]
        if let duration = durationSeconds { parameters.append(("DurationSeconds", String(duration))) }
        let result = try await client.with(credentials: nil).send(QueryRequest(.sts, "AssumeRoleWithWebIdentity", parameters))
        return try Self.decodeCredentials(result, action: "AssumeRoleWithWebIdentity", source: "web identity role \(roleArn)")
    }

    static func decodeCallerIdentity(_ result: XMLElement) throws -> CallerIdentity {
        guard let account = result.string("Account"), let arn = result.string("Arn") else {
            throw MalformedResponseError(service: "sts", action: "GetCallerIdentity", detail: "no Account or Arn")
        }
        return CallerIdentity(account: account, arn: arn, userId: result.string("UserId") ?? "")
    }

    static func decodeCredentials(_ result: XMLElement, action: String, source: String) throws -> AWSCredentials {
        guard let credentials = result.child("Credentials"), let keyId = credentials.string("AccessKeyId"),
            let secret = credentials.string("SecretAccessKey"), !keyId.isEmpty, !secret.isEmpty
        else {
            throw MalformedResponseError(service: "sts", action: action, detail: "no Credentials in the answer")
        }
        return AWSCredentials(
            accessKeyId: keyId, secretAccessKey: secret, sessionToken: credentials.string("SessionToken"),
            expiration: credentials.string("Expiration").flatMap(AWSTimestamp.parse), source: source)
    }
}
