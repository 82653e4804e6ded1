// RoleKindTests — bootstrap role names and back: the qualifier and kind of a role name of this
// account and region, whatever the qualifier looks like; nothing for anyone else's roles.
import Testing

@testable import TrustlineCore

@Suite("Role names")
struct RoleKindTests {
    static let account = "222222222222"
    static let region = "eu-west-1"

    @Test("every kind under every qualifier reads back", arguments: ["hnb659fds", "custom1", "my-team", "x-lookup", "deploy", "a"])
    func roundTrip(_ qualifier: String) {
        for kind in RoleKind.allCases {
            let name = kind.roleName(qualifier: qualifier, account: Self.account, region: Self.region)
            let parsed = RoleKind.qualifier(ofRoleName: name, account: Self.account, region: Self.region)
            #expect(parsed?.qualifier == qualifier && parsed?.kind == kind, "\(name) → \(String(describing: parsed))")
        }
    }

    @Test("other accounts, regions, prefixes and empty qualifiers are not bootstrap roles")
    func rejects() {
        let deploy = RoleKind.deploy.roleName(qualifier: "hnb659fds", account: Self.account, region: Self.region)
        #expect(RoleKind.qualifier(ofRoleName: deploy, account: "333333333333", region: Self.region) == nil)
        #expect(RoleKind.qualifier(ofRoleName: deploy, account: Self.account, region: "eu-west-2") == nil)
        for name in [
            "CDK-hnb659fds-deploy-role-222222222222-eu-west-1", "cdk--deploy-role-222222222222-eu-west-1",
            "cdk-hnb659fds-admin-role-222222222222-eu-west-1", "cdk-hnb659fds-deploy-role-222222222222-eu-west-1-old",
            "cdk-deploy-role-222222222222-eu-west-1", "deploy-role-222222222222-eu-west-1", "",
        ] {
            #expect(RoleKind.qualifier(ofRoleName: name, account: Self.account, region: Self.region) == nil, "\(name)")
        }
    }
}
