// PreflightSimulationTests — BootstrapSimulator applies the CDK CLI's parameter rules: a given
// --trust replaces, none keeps, --untrust removes, exec policies, qualifier, previous parameters.
import Foundation
import Testing

@testable import TrustlineCore

@Suite struct PreflightSimulationTests {
    typealias F = PreflightFixtures

    func simulate(_ line: String, stack: StackSnapshot?, project: CDKProjectSettings = CDKProjectSettings()) throws -> BootstrapOutcome {
        BootstrapSimulator.simulate(try F.parse("cdk bootstrap aws://222222222222/us-east-1 " + line), stack: stack, project: project)
    }

    var stack: StackSnapshot? { F.snapshot().stack }

    @Test func aGivenTrustReplacesTheOldList() throws {
        let outcome = try simulate("--trust 444444444444", stack: stack)
        #expect(outcome.before?.trustedAccounts == [F.tools])
        #expect(outcome.after.trustedAccounts == [F.tools2])
        #expect(outcome.after.trustedAccountsForLookup == [F.tools])
        #expect(outcome.after.executionPolicies == [F.admin])
        #expect(outcome.refusal == nil)
    }

    @Test func noTrustKeepsTheOldList() throws {
        let outcome = try simulate("--cloudformation-execution-policies \(F.deployPolicy)", stack: stack)
        #expect(outcome.after.trustedAccounts == [F.tools])
        #expect(outcome.after.trustedAccountsForLookup == [F.tools])
        #expect(outcome.after.executionPolicies == [F.deployPolicy])
    }

    @Test func commaListsBecomeSeparateAccounts() throws {
        let outcome = try simulate("--trust 111111111111,444444444444 --trust 555555555555", stack: stack)
        #expect(outcome.after.trustedAccounts == [F.tools, F.tools2, F.stranger])
    }

    @Test func untrustRemovesFromBothLists() throws {
        let outcome = try simulate("--untrust 111111111111", stack: stack)
        #expect(outcome.after.trustedAccounts == [])
        #expect(outcome.after.trustedAccountsForLookup == [])
        // Nobody trusted and policies kept: no refusal, no implicit AdministratorAccess.
        #expect(outcome.refusal == nil)
        #expect(!outcome.implicitAdministratorAccess)
    }

    @Test func untrustComparesWholeValues() throws {
        let both = F.snapshot(trusted: [F.tools, F.tools2]).stack
        // `--untrust A,B` matches no single account: nobody is removed.
        #expect(try simulate("--untrust 111111111111,444444444444", stack: both).after.trustedAccounts == [F.tools, F.tools2])
        // `--trust A,B --untrust B`: the value 'A,B' is not 'B', so B stays.
        #expect(try simulate("--trust 111111111111,444444444444 --untrust 444444444444", stack: both).after.trustedAccounts == [F.tools, F.tools2])
        #expect(try simulate("--untrust 444444444444", stack: both).after.trustedAccounts == [F.tools])
    }

    @Test func trustForLookupReplacesTheLookupList() throws {
        let outcome = try simulate("--trust-for-lookup 444444444444", stack: stack)
        #expect(outcome.after.trustedAccounts == [F.tools])
        #expect(outcome.after.trustedAccountsForLookup == [F.tools2])
    }

    @Test func anEmptyTrustClearsTheList() throws {
        #expect(try simulate("--trust ''", stack: stack).after.trustedAccounts == [])
    }

    @Test func noPreviousParametersKeepsTrustButResetsTheQualifier() throws {
        let custom = F.snapshot(qualifier: "custom1", extraParameters: ["FileAssetsBucketName": "my-bucket"]).stack
        let outcome = try simulate("--no-previous-parameters", stack: custom)
        // The CLI computes TrustedAccounts & co. from the stack and passes them explicitly.
        #expect(outcome.after.trustedAccounts == [F.tools])
        #expect(outcome.after.trustedAccountsForLookup == [F.tools])
        #expect(outcome.after.executionPolicies == [F.admin])
        #expect(outcome.after.qualifier == "hnb659fds")
        let note = try #require(outcome.notes.first { $0.contains("--no-previous-parameters") })
        #expect(note.contains("Qualifier custom1 → hnb659fds"))
        #expect(note.contains("FileAssetsBucketName my-bucket → (empty)"))
        // A bucket name given on the command line is not reset.
        #expect(try simulate("--no-previous-parameters -b my-bucket", stack: custom).notes.allSatisfy { !$0.contains("FileAssetsBucketName") })
    }

    @Test func theQualifierIsKeptGivenOrTakenFromTheProject() throws {
        let custom = F.snapshot(qualifier: "custom1").stack
        #expect(try simulate("", stack: custom).after.qualifier == "custom1")
        #expect(try simulate("--qualifier other", stack: custom).after.qualifier == "other")
        #expect(try simulate("--no-previous-parameters --qualifier custom1", stack: custom).after.qualifier == "custom1")
        #expect(try simulate("", stack: nil).after.qualifier == "hnb659fds")
        let project = CDKProjectSettings(qualifier: "fromjson", source: "cdk.json")
        let outcome = try simulate("", stack: custom, project: project)
        #expect(outcome.after.qualifier == "fromjson")
        #expect(outcome.notes.contains { $0.contains("@aws-cdk/core:bootstrapQualifier") })
        #expect(try simulate("--qualifier given", stack: custom, project: project).after.qualifier == "given")
    }

    @Test func aNewBootstrapWithTrustNeedsExecutionPolicies() throws {
        let refused = try simulate("--trust 111111111111", stack: nil)
        #expect(refused.before == nil)
        #expect(refused.changesNothing)
        #expect(refused.refusal?.contains("Please pass '--cloudformation-execution-policies' when using '--trust'") == true)
        let fine = try simulate("--trust 111111111111 --cloudformation-execution-policies \(F.admin)", stack: nil)
        #expect(fine.refusal == nil)
        #expect(fine.after.trustedAccounts == [F.tools])
        let bare = try simulate("", stack: nil)
        #expect(bare.implicitAdministratorAccess)
        #expect(bare.after.trustedAccounts.isEmpty)
    }

    @Test func anExistingStackLendsItsPolicies() throws {
        // Policies are not repeated, but the stack has some: no refusal.
        #expect(try simulate("--trust 444444444444", stack: stack).refusal == nil)
        // A stack without policies (bootstrapped without trust): adding trust is refused.
        let bare = F.snapshot(trusted: [], lookup: [], policies: []).stack
        #expect(try simulate("--trust 444444444444", stack: bare).refusal != nil)
    }

    @Test func aFailedFirstCreationCountsAsNoStack() throws {
        let failed = F.snapshot(qualifier: "custom1", status: "ROLLBACK_COMPLETE").stack
        let outcome = try simulate("--cloudformation-execution-policies \(F.admin)", stack: failed)
        #expect(outcome.before == nil)
        #expect(outcome.after.trustedAccounts == [])
        #expect(outcome.after.qualifier == "hnb659fds")
        #expect(outcome.notes.contains { $0.contains("ROLLBACK_COMPLETE") })
    }

    @Test func showTemplateChangesNothing() throws {
        let outcome = try simulate("--show-template --trust 444444444444", stack: stack)
        #expect(outcome.changesNothing)
        #expect(outcome.after == outcome.before)
    }

    @Test func denyExternalIdFollowsTheSameRules() throws {
        let open = F.snapshot(extraParameters: ["DenyExternalId": "false"]).stack
        #expect(try simulate("", stack: open).after.denyExternalId == false)
        #expect(try simulate("--no-previous-parameters", stack: open).after.denyExternalId == true)
        #expect(try simulate("--deny-external-id", stack: open).after.denyExternalId == true)
    }
}
