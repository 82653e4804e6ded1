// Discovery — reads every environment of a topology from AWS into snapshots. IAM is global:
// each account's roles are read once (one ListRoles sweep brings every trust policy) for all
// its regions; credentials are obtained once per account.
import Foundation
import TrustlineAWS
import TrustlineCore

/// Reads the live state of every environment of a topology.
public struct Discovery: Sendable {
    public let topology: Topology
    public let resolver: CredentialResolver
    /// Accounts read at once.
    public let concurrency: Int

    public init(topology: Topology, resolver: CredentialResolver, concurrency: Int = 16) {
        self.topology = topology
        self.resolver = resolver
        self.concurrency = max(1, concurrency)
    }

    /// Environments that share an account and a way in are read together.
    struct AccountGroup: Sendable {
        var account: String
        var environments: [DeploymentEnvironment]
    }

    func groups() -> [AccountGroup] {
        var order: [String] = []
        var byKey: [String: AccountGroup] = [:]
        for environment in topology.environments {
            let key =
                "\(environment.account)|\(environment.profile ?? "")|\(environment.access.map { "\($0.roleName)|\($0.sourceProfile ?? "")|\($0.externalId ?? "")" } ?? "")"
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = AccountGroup(account: environment.account, environments: [])
            }
            byKey[key]?.environments.append(environment)
        }
        return order.compactMap { byKey[$0] }
    }

    /// Reads everything; never throws: what could not be read is an `unreachable` snapshot.
    /// - Parameter progress: called with (environments done, total) as accounts finish.
    public func run(progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async -> [EnvironmentSnapshot] {
        let groups = groups()
        let total = topology.environments.reduce(0) { $0 + $1.regions.count }
        var snapshots: [EnvironmentSnapshot] = []
        await withTaskGroup(of: [EnvironmentSnapshot].self) { taskGroup in
            var next = 0
            func launch() {
                guard next < groups.count else { return }
                let group = groups[next]
                next += 1
                taskGroup.addTask { await self.read(group) }
            }
            for _ in 0..<min(concurrency, groups.count) { launch() }
            while let finished = await taskGroup.next() {
                snapshots += finished
                progress(snapshots.count, total)
                launch()
            }
        }
        return snapshots.sorted { ($0.environment, $0.region) < ($1.environment, $1.region) }
    }

    func read(_ group: AccountGroup) async -> [EnvironmentSnapshot] {
        let targets = group.environments.flatMap { environment in environment.regions.map { (environment, $0) } }
        guard let firstRegion = targets.first?.1 else { return [] }
        func unreachable(_ reason: String) -> [EnvironmentSnapshot] {
            targets.map { EnvironmentSnapshot(environment: $0.0.name, account: group.account, region: $0.1, unreachable: reason) }
        }
        let base: QueryClient
        let identity: CallerIdentity
        let roles: [IAMRole]
        do {
            base = try client(for: group.environments[0], region: firstRegion)
            identity = try await STS(client: base).getCallerIdentity()
            if identity.account != group.account {
                return targets.map { EnvironmentSnapshot(environment: $0.0.name, account: group.account, region: $0.1, reachedAccount: identity.account) }
            }
            roles = try await IAM(client: base).listRoles()
        } catch {
            return unreachable(Self.describe(error))
        }
        let byName = Dictionary(roles.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        return await withTaskGroup(of: EnvironmentSnapshot.self) { taskGroup in
            for (environment, region) in targets {
                taskGroup.addTask {
                    await self.readRegion(environment: environment, region: region, identity: identity, roles: byName, allRoles: roles, base: base)
                }
            }
            var out: [EnvironmentSnapshot] = []
            for await snapshot in taskGroup { out.append(snapshot) }
            return out
        }
    }

    func readRegion(
        environment: DeploymentEnvironment, region: String, identity: CallerIdentity, roles: [String: IAMRole], allRoles: [IAMRole],
        base: QueryClient
    ) async -> EnvironmentSnapshot {
        let account = environment.account
        var snapshot = EnvironmentSnapshot(environment: environment.name, account: account, region: region, reachedAccount: identity.account)
        do {
            let client = base.with(region: region)
            if let stack = try await CloudFormation(client: client).describeStack(name: environment.toolkitStackName) {
                snapshot.stack = StackSnapshot(
                    name: stack.name, status: stack.status, statusReason: stack.statusReason, parameters: stack.parameters,
                    bootstrapVersion: stack.outputs["BootstrapVersion"].flatMap { Int($0) }, creationTime: stack.creationTime,
                    lastUpdatedTime: stack.lastUpdatedTime)
            }
            let iam = IAM(client: base)
            for kind in RoleKind.allCases {
                guard let role = roles[kind.roleName(qualifier: environment.qualifier, account: account, region: region)] else { continue }
                var roleSnapshot = RoleSnapshot(
                    kind: kind, name: role.name, arn: role.arn, trustPolicy: role.assumeRolePolicyDocument,
                    permissionsBoundary: role.permissionsBoundaryArn)
                if kind == .cfnExec {
                    roleSnapshot.attachedPolicies = try await attachedPolicies(of: role.name, iam: iam)
                    for name in try await iam.listRolePolicies(roleName: role.name) {
                        roleSnapshot.inlinePolicies.append(
                            PolicySnapshot(name: name, document: try await iam.getRolePolicy(roleName: role.name, policyName: name)))
                    }
                }
                snapshot.roles.append(roleSnapshot)
            }
            let qualifiers = Set(allRoles.compactMap { RoleKind.qualifier(ofRoleName: $0.name, account: account, region: region)?.qualifier })
            snapshot.otherQualifiers = qualifiers.subtracting([environment.qualifier]).sorted()
        } catch {
            return EnvironmentSnapshot(
                environment: environment.name, account: account, region: region, reachedAccount: identity.account,
                unreachable: Self.describe(error))
        }
        return snapshot
    }

    /// Attached managed policies; the documents of customer-managed ones (AWS-managed ones are
    /// known by ARN).
    func attachedPolicies(of roleName: String, iam: IAM) async throws -> [PolicySnapshot] {
        var out: [PolicySnapshot] = []
        for policy in try await iam.listAttachedRolePolicies(roleName: roleName) {
            var snapshot = PolicySnapshot(name: policy.name, arn: policy.arn)
            if !policy.arn.contains(":iam::aws:policy/") {
                let metadata = try await iam.getPolicy(arn: policy.arn)
                snapshot.document = try await iam.getPolicyVersion(arn: policy.arn, versionId: metadata.defaultVersionId)
            }
            out.append(snapshot)
        }
        return out
    }

    func client(for environment: DeploymentEnvironment, region: String) throws -> QueryClient {
        if let profile = environment.profile {
            return try resolver.client(profile: profile, region: region)
        }
        let access = environment.access
        let sourceProfile = access?.sourceProfile
        let source = try resolver.provider(profile: sourceProfile)
        let endpoints = resolver.endpoints(profile: sourceProfile)
        guard let access else {
            return QueryClient(
                http: resolver.http, credentials: source, region: region, endpoints: endpoints, quota: resolver.quota,
                environment: resolver.clientEnvironment)
        }
        let partition = Partition.of(region: region).name
        let provider = resolver.assumedRole(
            roleArn: "arn:\(partition):iam::\(environment.account):role/\(access.roleName)", source: source, externalId: access.externalId,
            region: region, endpoints: endpoints)
        return QueryClient(
            http: resolver.http, credentials: provider, region: region, endpoints: endpoints, quota: resolver.quota,
            environment: resolver.clientEnvironment)
    }

    /// An error as one line for the report: AWS errors keep code and request id.
    static func describe(_ error: Error) -> String {
        let text = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
        return text.replacingOccurrences(of: "\n", with: " ")
    }
}
