// Whoami — `trustline whoami`: the account and ARN that a profile's credentials reach.
import ArgumentParser
import Foundation
import TrustlineAWS

extension Trustline {
    struct Whoami: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the account and ARN that a profile resolves to (a credential-chain check).",
            discussion: "The first thing to run when an audit says an account is unreachable.")

        @Option(help: "The AWS profile (default: AWS_PROFILE, else the default chain).")
        var profile: String?

        @Option(help: "The region whose STS endpoint to call (default: AWS_REGION, the profile's region, us-east-1).")
        var region: String?

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func run() async throws {
            let identity: CallerIdentity
            let source: String
            do {
                let resolver = try CredentialResolver(http: CurlHTTPClient())
                let client = try resolver.client(profile: profile, region: region)
                source = try await client.credentials?.credentials().source ?? ""
                identity = try await STS(client: client).getCallerIdentity()
            } catch {
                throw fail(error)
            }
            if json {
                let object: [String: String] = ["account": identity.account, "arn": identity.arn, "userId": identity.userId, "credentialSource": source]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("account  \(identity.account)")
                print("arn      \(identity.arn)")
                print("user id  \(identity.userId)")
                print("source   \(source)")
            }
        }
    }
}
