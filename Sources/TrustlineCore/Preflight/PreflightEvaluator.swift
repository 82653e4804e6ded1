// PreflightEvaluator — judges a proposed `cdk bootstrap` against the live state and the
// topology: who would lose or gain trust in each target, and the command to run instead.
import Foundation

/// Evaluates a ``BootstrapCommand`` against snapshots of its targets. Pure: no I/O.
public struct PreflightEvaluator: Sendable {
    public let topology: Topology
    public let command: BootstrapCommand
    public let project: CDKProjectSettings

    public init(topology: Topology, command: BootstrapCommand, project: CDKProjectSettings = CDKProjectSettings()) {
        self.topology = topology
        self.command = command
        self.project = project
    }

    /// The topology environment a target belongs to: same account, region listed.
    public func environment(for target: BootstrapTarget) -> DeploymentEnvironment? {
        topology.environments.first { $0.account == target.account && $0.regions.contains(target.region) }
    }

    /// An environment of the target's account, even when it does not list the region (for access).
    func accountEnvironment(for target: BootstrapTarget) -> DeploymentEnvironment? {
        environment(for: target) ?? topology.environments.first { $0.account == target.account }
    }

    /// The qualifier whose roles are read and judged: the topology's, else the one the command names.
    func judgedQualifier(for target: BootstrapTarget) -> String {
        accountEnvironment(for: target)?.qualifier ?? command.qualifier ?? project.qualifier ?? DeploymentEnvironment.defaultQualifier
    }

    /// What discovery must read: one environment per target, with that target's region only,
    /// the stack the command deploys, and the topology's access (for a target the topology does
    /// not name: the command's `--profile`, else the default credentials).
    public func discoveryTopology() -> Topology {
        let environments = command.targets.map { target in
            let known = accountEnvironment(for: target)
            return DeploymentEnvironment(
                name: known?.name ?? target.name, account: target.account, profile: known == nil ? command.profile : known?.profile,
                access: known?.access, regions: [target.region], trust: known?.trust ?? [], trustForLookup: known?.trustForLookup ?? [],
                executionPolicies: known?.executionPolicies ?? [], qualifier: judgedQualifier(for: target),
                toolkitStackName: command.stackName(project: project), line: known?.line ?? 0)
        }
        return Topology(file: topology.file, pipelines: topology.pipelines, environments: environments, rules: topology.rules)
    }

    /// The report for every target, from the snapshots discovery read (matched by account and region).
    public func evaluate(snapshots: [EnvironmentSnapshot]) -> PreflightReport {
        var results: [PreflightTargetResult] = []
        var corrections: [Correction?] = []
        for target in command.targets {
            let snapshot = snapshots.first { $0.account == target.account && $0.region == target.region }
            let (result, correction) = evaluate(target: target, snapshot: snapshot)
            results.append(result)
            corrections.append(correction)
        }
        let failing = results.contains { $0.status == .dropsIntendedTrust }
        for index in results.indices {
            guard let correction = corrections[index] else { continue }
            if failing || correction.fixesRefusal {
                results[index].corrected = CorrectedBootstrapCommand(argv: correction.argv)
            }
        }
        var notes = command.notes
        if let source = project.source, project.toolkitStackName != nil, command.toolkitStackName == nil {
            notes.append("No --toolkit-stack-name: cdk deploys the stack \(command.stackName(project: project)) named in \(source).")
        }
        return PreflightReport(command: command.argv, targets: results, notes: notes)
    }

    /// The corrected command of a target, and whether it also fixes a refusal.
    struct Correction {
        var argv: [String]
        var fixesRefusal: Bool
    }

    func label(_ account: String) -> String { AuditEvaluator.label(account, topology: topology) }

    func labels(_ accounts: [String]) -> String { accounts.map(label).joined(separator: ", ") }

    static func partition(_ region: String) -> String {
        region.hasPrefix("cn-") ? "aws-cn" : region.hasPrefix("us-gov-") ? "aws-us-gov" : "aws"
    }

    /// Accounts trusted account-wide and unconditionally by roles of these kinds, and whether one trusts `*`.
    static func liveTrust(_ roles: [RoleSnapshot], kinds: [RoleKind], own: String) -> (accounts: Set<String>, wildcard: Bool) {
        var accounts: Set<String> = []
        var wildcard = false
        for role in roles where kinds.contains(role.kind) {
            guard let document = role.trustPolicy, let policy = try? TrustPolicy(json: document) else { continue }
            let trust = policy.enumerateTrust()
            accounts.formUnion(trust.accounts.filter { $0.isAccountWide && !$0.isConditional }.map(\.accountID))
            if trust.wildcard != nil { wildcard = true }
        }
        accounts.remove(own)
        return (accounts, wildcard)
    }

    func evaluate(target: BootstrapTarget, snapshot: EnvironmentSnapshot?) -> (PreflightTargetResult, Correction?) {
        let environment = environment(for: target)
        let judged = judgedQualifier(for: target)
        let stackName = command.stackName(project: project)
        let own = target.account
        var result = PreflightTargetResult(
            target: target.name, account: target.account, region: target.region, environment: environment?.name, status: .safe,
            stackName: stackName, stackExists: false, before: nil, after: nil, intendedQualifier: environment?.qualifier, deploy: TrustChange(),
            lookup: TrustChange(), messages: [], corrected: nil, error: nil)
        var messages: [PreflightMessage] = []
        func unreadable(_ reason: String) -> (PreflightTargetResult, Correction?) {
            result.status = .unreadable
            result.error = reason
            result.messages = [PreflightMessage(.error, "Could not read the live state of \(target.name): \(reason). Nothing can be said about it.")]
            return (result, nil)
        }
        guard let snapshot else { return unreadable("it was not read") }
        if let reason = snapshot.unreachable { return unreadable(reason) }
        if let reached = snapshot.reachedAccount, reached != target.account {
            return unreadable("the credentials reach account \(reached), not \(target.account)")
        }

        let outcome = BootstrapSimulator.simulate(command, stack: snapshot.stack, project: project, partition: Self.partition(target.region))
        result.stackExists = outcome.before != nil
        result.before = outcome.before
        result.after = outcome.refusal == nil ? outcome.after : outcome.before
        let before = outcome.before
        let after = outcome.after
        let managed = before?.qualifier == judged

        // Today: the live trust of the judged qualifier's roles (the stack parameters when those roles could not be read).
        var (deployToday, wildcardToday) = Self.liveTrust(snapshot.roles, kinds: RoleKind.pipelineRoles, own: own)
        var (lookupToday, lookupWildcard) = Self.liveTrust(snapshot.roles, kinds: [.lookup], own: own)
        wildcardToday = wildcardToday || lookupWildcard
        if managed, let before, !snapshot.roles.contains(where: { RoleKind.pipelineRoles.contains($0.kind) }) {
            deployToday = Set(before.trustedAccounts).subtracting([own])
            lookupToday = Set(before.trustedAccounts + before.trustedAccountsForLookup).subtracting([own])
            messages.append(PreflightMessage(.info, "No cdk-\(judged)-* roles could be read: today's trust is taken from the stack parameters."))
        }

        // After: CloudFormation rewrites a role's trust only when its parameters change.
        var deployAfter = deployToday
        var lookupAfter = lookupToday
        var rewritten = false
        if !outcome.changesNothing {
            let afterDeploy = Set(after.trustedAccounts).subtracting([own])
            let afterLookup = Set(after.trustedAccounts + after.trustedAccountsForLookup).subtracting([own])
            if after.qualifier == judged {
                if managed, let before {
                    let deployChanged = Set(before.trustedAccounts) != Set(after.trustedAccounts) || before.denyExternalId != after.denyExternalId
                    let lookupChanged = deployChanged || Set(before.trustedAccountsForLookup) != Set(after.trustedAccountsForLookup)
                    if deployChanged { deployAfter = afterDeploy }
                    if lookupChanged { lookupAfter = afterLookup }
                    rewritten = deployChanged || lookupChanged
                } else {
                    deployAfter = afterDeploy
                    lookupAfter = afterLookup
                    rewritten = true
                }
            } else if managed {
                deployAfter = []
                lookupAfter = []
                rewritten = true
            }
        }

        let intendedDeploy = Set(environment?.trust ?? []).subtracting([own])
        let intendedLookup = Set(environment?.trustForLookup ?? []).subtracting([own])
        let deploy = TrustChange(today: Array(deployToday), after: Array(deployAfter), intended: intendedDeploy)
        let lookup = TrustChange(today: Array(lookupToday), after: Array(lookupAfter), intended: intendedLookup)
        result.deploy = deploy
        result.lookup = lookup

        // The verdict and what it rests on.
        let name = environment?.name ?? target.name
        if let refusal = outcome.refusal {
            result.status = .refused
            result.error = refusal
            messages.append(PreflightMessage(.error, "cdk bootstrap would refuse this command here, changing nothing: \(refusal)"))
        }
        if !deploy.intendedLost.isEmpty || !lookup.intendedLost.isEmpty {
            result.status = .dropsIntendedTrust
        }
        if let before, !outcome.changesNothing, after.qualifier != before.qualifier {
            if managed {
                messages.append(
                    PreflightMessage(
                        deploy.intendedLost.isEmpty ? .warning : .error,
                        "The command changes the qualifier from \(before.qualifier) to \(after.qualifier): CloudFormation replaces the cdk-\(before.qualifier)-* roles with cdk-\(after.qualifier)-* ones, and apps synthesized with \(before.qualifier) can no longer deploy."
                    ))
            } else {
                messages.append(PreflightMessage(.warning, "The command changes the stack's qualifier from \(before.qualifier) to \(after.qualifier)."))
            }
        } else if let before, before.qualifier != judged, !outcome.changesNothing {
            messages.append(
                PreflightMessage(
                    .info,
                    "The stack \(stackName) uses qualifier \(before.qualifier), not \(judged); the command keeps it, so the cdk-\(judged)-* roles the pipelines use are not touched."
                ))
        } else if before == nil, !outcome.changesNothing, let environment, after.qualifier != environment.qualifier {
            messages.append(
                PreflightMessage(
                    .warning,
                    "The command bootstraps qualifier \(after.qualifier), but the topology expects \(environment.qualifier): the cdk-\(environment.qualifier)-* roles are not created."
                ))
        }
        for account in Set(deploy.intendedLost + lookup.intendedLost).sorted() {
            let kinds = [deploy.intendedLost.contains(account) ? "deploy" : nil, lookup.intendedLost.contains(account) ? "lookup" : nil].compactMap { $0 }
            let why = deploy.intendedLost.contains(account) ? "must deploy to \(name)" : "must look up context in \(name)"
            messages.append(
                PreflightMessage(
                    .error, "\(label(account)) would lose \(kinds.joined(separator: " and ")) trust, but the topology says it \(why) (intended trust)."))
        }
        let unnamedLost = Set(deploy.lost).subtracting(intendedDeploy).subtracting(intendedLookup).sorted()
        if !unnamedLost.isEmpty {
            messages.append(
                PreflightMessage(
                    .info,
                    environment == nil
                        ? "Removes the trust of \(labels(unnamedLost)) (the topology has no intent for \(target.name))."
                        : "Removes the trust of \(labels(unnamedLost)), which the topology does not name for \(name) (fine)."))
        }
        let lookupOnlyLost = Set(lookup.lost).subtracting(deploy.lost).subtracting(lookup.intendedLost).sorted()
        if !lookupOnlyLost.isEmpty {
            messages.append(
                PreflightMessage(.info, "Removes the lookup trust of \(labels(lookupOnlyLost)), which the topology does not intend for lookup in \(name)."))
        }
        if environment != nil {
            let unnamedGained = Set(deploy.gained).subtracting(intendedDeploy).sorted()
            if !unnamedGained.isEmpty {
                messages.append(
                    PreflightMessage(
                        topology.rules.allowUnlistedTrust ? .info : .warning,
                        "Trusts \(labels(unnamedGained)), which the topology does not name for \(name): an audit would report unexpected-trust until the topology lists it."
                    ))
            }
            let unnamedLookupGained = Set(lookup.gained).subtracting(deploy.after).subtracting(intendedLookup).subtracting(intendedDeploy).sorted()
            if !unnamedLookupGained.isEmpty {
                messages.append(
                    PreflightMessage(
                        topology.rules.allowUnlistedTrust ? .info : .warning,
                        "Lets \(labels(unnamedLookupGained)) look up context, which the topology does not name for \(name)."))
            }
            let stillMissing = intendedDeploy.subtracting(deployAfter).subtracting(deploy.lost).sorted()
            if !stillMissing.isEmpty, outcome.refusal == nil {
                messages.append(
                    PreflightMessage(.warning, "\(labels(stillMissing)) should be able to deploy to \(name) but would still not be trusted."))
            }
            let lookupMissing = intendedLookup.subtracting(lookupAfter).subtracting(lookup.lost).sorted()
            if !lookupMissing.isEmpty, outcome.refusal == nil {
                messages.append(
                    PreflightMessage(
                        .warning, "\(labels(lookupMissing)) should be able to look up context in \(name) but would still not be trusted for lookup."))
            }
        }
        if wildcardToday && rewritten {
            messages.append(PreflightMessage(.info, "A role trusts any account (*) today, a hand edit; the command rewrites the roles and removes it."))
        } else if wildcardToday && managed {
            messages.append(
                PreflightMessage(
                    .warning,
                    "A role trusts any account (*) today, a hand edit; the command leaves the roles' parameters unchanged, so CloudFormation keeps it."))
        }

        // Execution policies.
        if outcome.refusal == nil && !outcome.changesNothing {
            let effective =
                outcome.implicitAdministratorAccess ? ["arn:\(Self.partition(target.region)):iam::aws:policy/AdministratorAccess"] : after.executionPolicies
            if let before, Set(before.executionPolicies) != Set(after.executionPolicies) {
                messages.append(
                    PreflightMessage(
                        .info,
                        "Execution policies: \(before.executionPolicies.isEmpty ? "(none)" : before.executionPolicies.joined(separator: ", ")) → \(effective.joined(separator: ", "))."
                    ))
            }
            if let environment, !environment.executionPolicies.isEmpty, Set(effective) != Set(environment.executionPolicies) {
                messages.append(
                    PreflightMessage(
                        .warning,
                        "The execution policies would be \(effective.joined(separator: ", ")); the topology intends \(environment.executionPolicies.joined(separator: ", ")) (execution-policy-mismatch)."
                    ))
            }
        }

        // Where and how the command runs.
        if environment == nil {
            if let known = accountEnvironment(for: target) {
                messages.append(
                    PreflightMessage(
                        .warning,
                        "Account \(target.account) is environment \(known.name), but the topology does not list region \(target.region): there is no intent to check \(target.name) against."
                    ))
            } else {
                messages.append(
                    PreflightMessage(
                        .warning,
                        "\(target.name) is not in the topology: no environment names account \(target.account) in \(target.region), so there is no intent to check it against."
                    ))
            }
        } else if let environment {
            if stackName != environment.toolkitStackName {
                messages.append(
                    PreflightMessage(
                        .warning,
                        "The command deploys the stack \(stackName), but the topology expects \(environment.toolkitStackName) for \(environment.name) (add --toolkit-stack-name \(environment.toolkitStackName))."
                    ))
            }
            if let profile = environment.profile, command.profile != profile {
                messages.append(
                    PreflightMessage(
                        .info,
                        command.profile.map {
                            "The command uses profile \($0); the topology reaches \(environment.name) with profile \(profile): make sure \($0) reaches account \(target.account)."
                        }
                            ?? "The command names no --profile: cdk uses the default credentials, which must reach account \(target.account)."))
            }
        }
        messages += outcome.notes.map { PreflightMessage(.info, $0) }
        result.messages = messages.enumerated().sorted { ($0.element.level, $0.offset) < ($1.element.level, $1.offset) }.map(\.element)

        return (
            result, correction(target: target, environment: environment, outcome: outcome, deployToday: deployToday, lookupToday: lookupToday, lookup: lookup)
        )
    }

    /// The user's command for this target, keeping everyone: `--trust` is the union of their list,
    /// the intended accounts and everyone trusted today (the rule of ``RemediationPlanner``); their
    /// `--untrust` stays only for accounts the topology does not intend.
    func correction(
        target: BootstrapTarget, environment: DeploymentEnvironment?, outcome: BootstrapOutcome, deployToday: Set<String>, lookupToday: Set<String>,
        lookup: TrustChange
    ) -> Correction? {
        let own = target.account
        let valid = { (id: String) in id != own && BootstrapCommandParser.isAccountID(id) }
        func split(_ values: [String]?) -> [String] { (values ?? []).flatMap { BootstrapSimulator.list($0) } }
        let judged = judgedQualifier(for: target)
        let managed = outcome.before?.qualifier == judged
        let intendedDeploy = Set(environment?.trust ?? [])
        let intendedLookup = Set(environment?.trustForLookup ?? [])

        var current = deployToday
        var currentLookup = lookupToday
        if managed, let before = outcome.before {
            current.formUnion(before.trustedAccounts)
            currentLookup.formUnion(before.trustedAccountsForLookup)
        }
        var keptUntrust: [String] = []
        for id in split(command.untrust) where !intendedDeploy.contains(id) && !intendedLookup.contains(id) && !keptUntrust.contains(id) {
            keptUntrust.append(id)
        }
        let trust = Set(split(command.trust)).union(intendedDeploy).union(current).filter(valid).subtracting(keptUntrust).sorted()
        var trustForLookup: [String]?
        if command.trustForLookup != nil || !lookup.intendedLost.isEmpty {
            trustForLookup = Set(split(command.trustForLookup)).union(intendedLookup).union(currentLookup.subtracting(trust)).filter(valid)
                .subtracting(keptUntrust).sorted()
        }
        var qualifier: String?
        if let environment, managed, outcome.after.qualifier != environment.qualifier, outcome.refusal == nil {
            qualifier = environment.qualifier
        }
        var policies: [String]?
        if outcome.refusal != nil {
            guard let environment, !environment.executionPolicies.isEmpty else { return nil }
            policies = environment.executionPolicies
        }
        let argv = command.corrected(
            target: target, trust: command.trust == nil && trust.isEmpty ? nil : trust, trustForLookup: trustForLookup,
            untrust: command.untrust == nil ? nil : keptUntrust, qualifier: qualifier, executionPolicies: policies)
        return Correction(argv: argv, fixesRefusal: policies != nil)
    }
}
