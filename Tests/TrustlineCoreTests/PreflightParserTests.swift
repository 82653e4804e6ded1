// PreflightParserTests — BootstrapCommandParser reads `cdk bootstrap` argv as the CDK CLI does,
// and names the argument at fault when it cannot.
import Foundation
import Testing

@testable import TrustlineCore

@Suite struct PreflightParserTests {
    typealias F = PreflightFixtures

    @Test func theUsualCommand() throws {
        let command = try F.parse(
            "cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 111111111111 --cloudformation-execution-policies \(F.admin)")
        #expect(command.targets == [BootstrapTarget(account: F.dev, region: "us-east-1")])
        #expect(command.profile == "dev")
        #expect(command.trust == [F.tools])
        #expect(command.trustForLookup == nil)
        #expect(command.untrust == nil)
        #expect(command.executionPolicies == [F.admin])
        #expect(command.qualifier == nil)
        #expect(command.toolkitStackName == nil)
        #expect(command.previousParameters)
        #expect(command.execute)
        #expect(command.notes.isEmpty)
    }

    @Test(arguments: [
        "cdk bootstrap", "npx cdk bootstrap", "npx aws-cdk bootstrap", "npx aws-cdk@2.1146.1 bootstrap", "npx --yes cdk bootstrap", "bootstrap", "",
        "./node_modules/.bin/cdk bootstrap", "node /opt/lib/node_modules/aws-cdk/bin/cdk bootstrap",
    ])
    func programPrefixes(prefix: String) throws {
        let command = try F.parse("\(prefix) aws://222222222222/us-east-1 --trust 111111111111".trimmingCharacters(in: .whitespaces))
        #expect(command.targets.map(\.name) == ["aws://222222222222/us-east-1"])
        #expect(command.trust == [F.tools])
    }

    @Test func equalsFormAndSpaceFormAreTheSame() throws {
        let spaced = try F.parse(
            "cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 111111111111 --trust-for-lookup 111111111111 --untrust 555555555555 --qualifier abc --toolkit-stack-name Kit --cloudformation-execution-policies \(F.admin)"
        )
        let equals = try F.parse(
            "cdk bootstrap aws://222222222222/us-east-1 --profile=dev --trust=111111111111 --trust-for-lookup=111111111111 --untrust=555555555555 --qualifier=abc --toolkit-stack-name=Kit --cloudformation-execution-policies=\(F.admin)"
        )
        for command in [spaced, equals] {
            #expect(command.profile == "dev")
            #expect(command.trust == [F.tools])
            #expect(command.trustForLookup == [F.tools])
            #expect(command.untrust == [F.stranger])
            #expect(command.qualifier == "abc")
            #expect(command.toolkitStackName == "Kit")
            #expect(command.executionPolicies == [F.admin])
        }
    }

    @Test func repeatedListOptionsAccumulateAndCommaListsStayWhole() throws {
        let command = try F.parse(
            "cdk bootstrap aws://222222222222/us-east-1 --trust 111111111111 --trust=444444444444,555555555555 --cloudformation-execution-policies \(F.admin) --cloudformation-execution-policies \(F.deployPolicy)"
        )
        #expect(command.trust == [F.tools, "\(F.tools2),\(F.stranger)"])
        #expect(command.executionPolicies == [F.admin, F.deployPolicy])
    }

    @Test func anEmptyTrustIsGivenButEmpty() throws {
        // arrayFromYargs: the option given → a list without empty strings; absent → nil.
        #expect(try F.parse("cdk bootstrap aws://222222222222/us-east-1 --trust ''").trust == [])
        #expect(try F.parse("cdk bootstrap aws://222222222222/us-east-1 --trust=").trust == [])
        #expect(try F.parse("cdk bootstrap aws://222222222222/us-east-1").trust == nil)
    }

    @Test func severalTargetsAndTheBareForm() throws {
        let command = try F.parse("cdk bootstrap aws://222222222222/us-east-1 333333333333/eu-west-1 aws://222222222222/us-east-1")
        #expect(command.targets.map(\.name) == ["aws://222222222222/us-east-1", "aws://333333333333/eu-west-1"])
        #expect(command.notes.contains { $0.contains("more than once") })
    }

    @Test func optionsBeforeTheSubcommandAndAfterTheTerminator() throws {
        let command = try F.parse("cdk --profile dev bootstrap --trust 111111111111 -- aws://222222222222/us-east-1")
        #expect(command.profile == "dev")
        #expect(command.trust == [F.tools])
        #expect(command.targets.map(\.account) == [F.dev])
    }

    @Test func camelCaseSpellings() throws {
        let command = try F.parse("cdk bootstrap aws://222222222222/us-east-1 --toolkitStackName Kit --trustForLookup 111111111111 --previousParameters=false")
        #expect(command.toolkitStackName == "Kit")
        #expect(command.trustForLookup == [F.tools])
        #expect(!command.previousParameters)
    }

    @Test(arguments: [
        ("--no-previous-parameters", false), ("--previous-parameters=false", false), ("--previous-parameters false", false),
        ("--previous-parameters", true), ("--previous-parameters true", true), ("", true),
    ])
    func previousParameters(words: String, expected: Bool) throws {
        let command = try F.parse("cdk bootstrap aws://222222222222/us-east-1 \(words)".trimmingCharacters(in: .whitespaces))
        #expect(command.previousParameters == expected)
        #expect(command.targets.count == 1)
    }

    @Test func otherBootstrapOptionsAreAcceptedAndIgnored() throws {
        let command = try F.parse(
            "cdk bootstrap aws://222222222222/us-east-1 --force -f -vvv --verbose -v --ci --no-notices --no-color --color --json -j --tags a=b -t c=d -b c --bootstrap-kms-key-id k --termination-protection true --public-access-block-configuration false --import-existing-resources --express -r arn:aws:iam::222222222222:role/X --context k=v -c a=b --app app --build x --plugin p --trace --strict --no-lookups --ignore-errors --debug --debug-app --debug-cli --proxy http://p --ca-bundle-path /ca --ec2creds -i --version-reporting --telemetry --path-metadata --asset-metadata --staging --output out --unstable x --telemetry-file f --yes -y -vf --no-staging"
        )
        #expect(command.targets.count == 1)
        #expect(command.trust == nil)
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 -b x --toolkit-bucket-name y")?.code == .repeatedOption)
    }

    @Test func notedOptions() throws {
        let command = try F.parse(
            "cdk bootstrap aws://222222222222/us-east-1 --no-execute --template t.yaml --epb --no-deny-external-id --region eu-west-1 --untrust 444444444444,555555555555"
        )
        #expect(!command.execute)
        #expect(command.customTemplate == "t.yaml")
        #expect(command.denyExternalId == false)
        #expect(command.explicitParameters == ["InputPermissionsBoundary", "DenyExternalId"])
        for fragment in ["--no-execute", "--template t.yaml", "permissions boundary", "ExternalId", "--region", "does not split them on commas"] {
            #expect(command.notes.contains { $0.contains(fragment) }, "\(fragment) in \(command.notes)")
        }
        let custom = try F.parse("cdk bootstrap aws://222222222222/us-east-1 --cpb MyBoundary")
        #expect(custom.explicitParameters == ["InputPermissionsBoundary"])
    }

    @Test func untrustInsideATrustListIsNoted() throws {
        let command = try F.parse("cdk bootstrap aws://222222222222/us-east-1 --trust 111111111111,444444444444 --untrust 444444444444")
        #expect(command.notes.contains { $0.contains("does not remove it from the list '111111111111,444444444444'") })
    }

    @Test func showTemplateNeedsNoTarget() throws {
        let command = try F.parse("cdk bootstrap --show-template")
        #expect(command.showTemplate)
        #expect(command.targets.isEmpty)
    }

    // MARK: errors

    @Test func unknownOptionsAreNamed() throws {
        let error = try #require(F.error("cdk bootstrap aws://222222222222/us-east-1 --trsut 111111111111"))
        #expect(error.code == .unknownOption)
        #expect(error.argument == "--trsut")
        #expect(error.localizedDescription.contains("--trsut"))
        #expect(error.localizedDescription.contains("did you mean --trust?"))
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 -x")?.code == .unknownOption)
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 --no-trust")?.code == .unknownOption)
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 --all")?.argument == "--all")
    }

    @Test func missingValues() throws {
        let atEnd = try #require(F.error("cdk bootstrap aws://222222222222/us-east-1 --trust"))
        #expect(atEnd.code == .missingValue)
        #expect(atEnd.argument == "--trust")
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 --trust --profile dev")?.code == .missingValue)
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 --profile")?.code == .missingValue)
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 --qualifier=")?.code == .missingValue)
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 -bf x")?.code == .missingValue)
    }

    @Test func invalidValues() throws {
        let name = try #require(F.error("cdk bootstrap aws://222222222222/us-east-1 --trust tools"))
        #expect(name.code == .invalidValue)
        #expect(name.argument == "--trust tools")
        #expect(name.message.contains("12-digit"))
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 --untrust 1111")?.code == .invalidValue)
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 --trust 111111111111,,444444444444")?.code == .invalidValue)
        #expect(
            F.error("cdk bootstrap aws://222222222222/us-east-1 --trust 111111111111 --cloudformation-execution-policies AdministratorAccess")?.code
                == .invalidValue)
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 --qualifier much-too-long-qualifier")?.code == .invalidValue)
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 --force=maybe")?.code == .invalidValue)
    }

    @Test func repeatedSingleValues() throws {
        let error = try #require(F.error("cdk bootstrap aws://222222222222/us-east-1 --profile a --profile b"))
        #expect(error.code == .repeatedOption)
        #expect(error.argument == "--profile")
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 --qualifier a --qualifier=b")?.code == .repeatedOption)
    }

    @Test(arguments: [
        "aws://unknown-account/us-east-1", "aws://222222222222/unknown-region", "aws://2222/us-east-1", "aws://222222222222",
        "aws://222222222222/us-east-1/x", "aws://222222222222/us-east-1,aws://333333333333/us-east-1", "aws://*/us-east-1", "aws://222222222222/US_EAST",
    ])
    func invalidTargets(target: String) throws {
        let error = try #require(F.error("cdk bootstrap \(target)"))
        #expect(error.code == .invalidTarget)
        #expect(error.argument == target)
    }

    @Test func targetMessagesSayWhy() throws {
        #expect(F.error("cdk bootstrap aws://unknown-account/us-east-1")?.message.contains("current credentials") == true)
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1,aws://333333333333/us-east-1")?.message.contains("commas") == true)
        #expect(F.error("cdk bootstrap aws://*/us-east-1")?.message.contains("wildcards") == true)
    }

    @Test func notABootstrapCommand() throws {
        #expect(F.error("cdk deploy MyStack")?.code == .notBootstrap)
        #expect(F.error("aws s3 ls")?.code == .notBootstrap)
        #expect(F.error("npx prettier bootstrap")?.code == .notBootstrap)
        #expect(F.error("cdk --profile dev")?.code == .notBootstrap)
        #expect(F.error("cdk bootstrap --help")?.code == .notBootstrap)
        #expect(F.error("cdk aws://222222222222/us-east-1")?.code == .notBootstrap)
        #expect(throws: BootstrapCommandError.self) { try BootstrapCommandParser.parse([]) }
    }

    @Test func noTarget() throws {
        let error = try #require(F.error("cdk bootstrap --trust 111111111111"))
        #expect(error.code == .noTarget)
        #expect(error.message.contains("aws://ACCOUNT/REGION"))
    }

    @Test func conflicts() throws {
        let both = try #require(F.error("cdk bootstrap aws://222222222222/us-east-1 --trust 111111111111 --untrust 111111111111"))
        #expect(both.code == .conflictingOptions)
        #expect(both.message.contains("Accounts cannot be both trusted and untrusted. Found: 111111111111"))
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 --trust-for-lookup 111111111111 --untrust=111111111111")?.code == .conflictingOptions)
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 --bootstrap-kms-key-id k --bootstrap-customer-key")?.code == .conflictingOptions)
        #expect(F.error("cdk bootstrap aws://222222222222/us-east-1 --epb --cpb X")?.code == .conflictingOptions)
    }

    @Test func correctedKeepsOtherWordsAndReplacesTrust() throws {
        let command = try F.parse(
            "npx cdk bootstrap aws://222222222222/us-east-1 aws://333333333333/us-east-1 --profile dev --trust=444444444444 --force --untrust 555555555555 --trust 666666666666"
        )
        let argv = command.corrected(
            target: BootstrapTarget(account: F.dev, region: "us-east-1"), trust: [F.tools, F.tools2], trustForLookup: nil, untrust: [], qualifier: "q1",
            executionPolicies: nil)
        #expect(
            argv == [
                "npx", "cdk", "bootstrap", "aws://222222222222/us-east-1", "--profile", "dev", "--trust", F.tools, "--trust", F.tools2, "--force",
                "--qualifier", "q1",
            ])
    }
}
