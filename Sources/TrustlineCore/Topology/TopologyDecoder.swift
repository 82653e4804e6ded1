// TopologyDecoder — reads the YAML tree into a TopologyDraft: keys, types and value formats.

/// Reads each section of a topology file, reporting unknown keys, wrong types and malformed
/// values with their line and field path. Cross-field rules are ``TopologyResolver``'s.
struct TopologyDecoder {
    let file: String
    private(set) var issues: [TopologyIssue] = []

    init(file: String) {
        self.file = file
    }

    /// The draft of a whole file; `nil` (reported) if the root is not a mapping.
    mutating func decode(_ root: YAMLNode) -> TopologyDraft? {
        guard case .mapping = root else {
            report(root.mark, "", "a topology file must be a mapping (version, pipelines, environments…), not \(root.kindDescription)")
            return nil
        }
        guard let fields = mapping(root, path: "", section: TopologySchema.topLevel) else { return nil }
        var draft = TopologyDraft(mark: root.mark)
        draft.version = integer(fields["version"], path: "version")
        if let entry = fields["defaults"] {
            draft.defaults = defaults(entry.value, path: "defaults")
        }
        draft.pipelines = list(fields["pipelines"], path: "pipelines") { decoder, node, path in
            decoder.pipeline(node, path: path)
        }
        draft.environments = list(fields["environments"], path: "environments") { decoder, node, path in
            decoder.environment(node, path: path)
        }
        if let entry = fields["rules"] {
            draft.rules = rules(entry.value, path: "rules")
        }
        return draft
    }

    // MARK: Sections

    private mutating func defaults(_ node: YAMLNode, path: String) -> DefaultsDraft {
        var draft = DefaultsDraft()
        guard let fields = mapping(node, path: path, section: TopologySchema.defaults) else {
            draft.regions = .invalid
            draft.executionPolicies = .invalid
            draft.access = .invalid
            return draft
        }
        draft.qualifier = string(fields["qualifier"], path: join(path, "qualifier"), check: TopologyFormat.qualifierProblem)
        draft.toolkitStackName = string(
            fields["toolkitStackName"], path: join(path, "toolkitStackName"), check: TopologyFormat.stackNameProblem)
        draft.regions = strings(fields["regions"], path: join(path, "regions"), check: TopologyFormat.regionProblem)
        draft.executionPolicies = strings(
            fields["executionPolicies"], path: join(path, "executionPolicies"), check: TopologyFormat.policyARNProblem)
        draft.access = access(fields["access"], path: join(path, "access"))
        return draft
    }

    private mutating func pipeline(_ node: YAMLNode, path: String) -> PipelineDraft {
        var draft = PipelineDraft(mark: node.mark, path: path)
        guard let fields = mapping(node, path: path, section: TopologySchema.pipeline) else {
            draft.name = .invalid
            draft.account = .invalid
            return draft
        }
        draft.name = string(fields["name"], path: join(path, "name"), check: TopologyFormat.nameProblem)
        draft.account = accountID(fields["account"], path: join(path, "account"))
        draft.profile = string(fields["profile"], path: join(path, "profile"), check: TopologyFormat.profileProblem)
        return draft
    }

    private mutating func environment(_ node: YAMLNode, path: String) -> EnvironmentDraft {
        var draft = EnvironmentDraft(mark: node.mark, path: path)
        guard let fields = mapping(node, path: path, section: TopologySchema.environment) else {
            draft.name = .invalid
            draft.account = .invalid
            draft.profile = .invalid
            return draft
        }
        draft.name = string(fields["name"], path: join(path, "name"), check: TopologyFormat.nameProblem)
        draft.account = accountID(fields["account"], path: join(path, "account"))
        draft.profile = string(fields["profile"], path: join(path, "profile"), check: TopologyFormat.profileProblem)
        draft.access = access(fields["access"], path: join(path, "access"))
        draft.regions = strings(fields["regions"], path: join(path, "regions"), check: TopologyFormat.regionProblem)
        draft.trust = strings(fields["trust"], path: join(path, "trust")) { _ in nil }
        draft.trustForLookup = strings(fields["trustForLookup"], path: join(path, "trustForLookup")) { _ in nil }
        draft.executionPolicies = strings(
            fields["executionPolicies"], path: join(path, "executionPolicies"), check: TopologyFormat.policyARNProblem)
        draft.qualifier = string(fields["qualifier"], path: join(path, "qualifier"), check: TopologyFormat.qualifierProblem)
        draft.toolkitStackName = string(
            fields["toolkitStackName"], path: join(path, "toolkitStackName"), check: TopologyFormat.stackNameProblem)
        return draft
    }

    private mutating func access(_ entry: YAMLEntry?, path: String) -> Field<AccessDraft> {
        guard let entry else { return .absent }
        guard let fields = mapping(entry.value, path: path, section: TopologySchema.access) else { return .invalid }
        var draft = AccessDraft(mark: entry.value.mark, path: path)
        draft.roleName = string(fields["roleName"], path: join(path, "roleName"), check: TopologyFormat.roleNameProblem)
        draft.sourceProfile = string(
            fields["sourceProfile"], path: join(path, "sourceProfile"), check: TopologyFormat.profileProblem)
        draft.externalId = string(fields["externalId"], path: join(path, "externalId"), check: TopologyFormat.externalIDProblem)
        // `access:` with nothing under it sits at the key's line; point there rather than at the next key.
        if case .scalar = entry.value { draft.mark = entry.key.mark }
        return .present(Located(value: draft, mark: draft.mark, path: path))
    }

    private mutating func rules(_ node: YAMLNode, path: String) -> RulesDraft {
        var draft = RulesDraft()
        guard let fields = mapping(node, path: path, section: TopologySchema.rules) else {
            draft.allowAdministratorAccess = .invalid
            return draft
        }
        draft.minBootstrapVersion = integer(fields["minBootstrapVersion"], path: join(path, "minBootstrapVersion"))
        draft.allowAdministratorAccess = strings(
            fields["allowAdministratorAccess"], path: join(path, "allowAdministratorAccess")
        ) { _ in nil }
        draft.allowUnlistedTrust = boolean(fields["allowUnlistedTrust"], path: join(path, "allowUnlistedTrust"))
        return draft
    }

    // MARK: Typed readers

    /// The entries of a mapping by key, reporting unknown and repeated keys; `nil` (reported)
    /// when `node` is not a mapping. A null value reads as an empty mapping.
    private mutating func mapping(_ node: YAMLNode, path: String, section: TopologySchema.Section) -> [String: YAMLEntry]? {
        switch node {
        case .scalar(let scalar) where scalar.isNull:
            return [:]
        case .mapping(let entries, _):
            var fields: [String: YAMLEntry] = [:]
            for entry in entries {
                let key = entry.key.text
                let keyPath = join(path, TopologyFormat.display(key))
                if !section.keys.contains(key) {
                    report(entry.key.mark, keyPath, TopologySchema.unknownKeyMessage(key, in: section))
                } else if let first = fields[key] {
                    report(entry.key.mark, keyPath, "is given twice (first at line \(first.key.mark.line))")
                } else {
                    fields[key] = entry
                }
            }
            return fields
        default:
            let what = section.name == TopologySchema.topLevel.name ? "a mapping" : "a mapping (the keys of \(section.name))"
            report(node.mark, path, "expected \(what), found \(node.kindDescription)")
            return nil
        }
    }

    /// A list whose items are decoded by `item`; a null value reads as an empty list.
    private mutating func list<Item: Sendable>(
        _ entry: YAMLEntry?, path: String, item: (inout TopologyDecoder, YAMLNode, String) -> Item
    ) -> Field<[Item]> {
        guard let entry else { return .absent }
        switch entry.value {
        case .scalar(let scalar) where scalar.isNull:
            return .present(Located(value: [], mark: entry.key.mark, path: path))
        case .sequence(let nodes, let mark):
            var items: [Item] = []
            for (index, node) in nodes.enumerated() {
                items.append(item(&self, node, "\(path)[\(index)]"))
            }
            return .present(Located(value: items, mark: mark, path: path))
        default:
            report(mark(of: entry), path, "expected a list (lines starting with '- '), found \(entry.value.kindDescription)")
            return .invalid
        }
    }

    /// A scalar read as text, checked by `check`.
    private mutating func string(_ entry: YAMLEntry?, path: String, check: (String) -> String?) -> Field<String> {
        guard let entry else { return .absent }
        if case .scalar(let scalar) = entry.value, scalar.isNull {
            report(entry.key.mark, path, "has no value")
            return .invalid
        }
        guard let scalar = textScalar(entry.value, path: path) else { return .invalid }
        if let problem = check(scalar.text) {
            report(scalar.mark, path, problem)
            return .invalid
        }
        return .present(Located(value: scalar.text, mark: scalar.mark, path: path))
    }

    /// An account id from its raw text, so that an unquoted `012345678901` keeps its zero.
    private mutating func accountID(_ entry: YAMLEntry?, path: String) -> Field<String> {
        string(entry, path: path, check: TopologyFormat.accountProblem)
    }

    /// A list of scalars read as text, each checked by `check`; a null value reads as `[]`.
    /// Any bad item makes the whole field `.invalid` (each one reported).
    private mutating func strings(_ entry: YAMLEntry?, path: String, check: (String) -> String?) -> Field<[Located<String>]> {
        guard let entry else { return .absent }
        switch entry.value {
        case .scalar(let scalar) where scalar.isNull:
            return .present(Located(value: [], mark: entry.key.mark, path: path))
        case .sequence(let nodes, let mark):
            var values: [Located<String>] = []
            var valid = true
            for (index, node) in nodes.enumerated() {
                let itemPath = "\(path)[\(index)]"
                guard let scalar = textScalar(node, path: itemPath) else {
                    valid = false
                    continue
                }
                if let problem = check(scalar.text) {
                    report(scalar.mark, itemPath, problem)
                    valid = false
                    continue
                }
                values.append(Located(value: scalar.text, mark: scalar.mark, path: itemPath))
            }
            return valid ? .present(Located(value: values, mark: mark, path: path)) : .invalid
        default:
            report(mark(of: entry), path, "expected a list (like [a, b]), found \(entry.value.kindDescription)")
            return .invalid
        }
    }

    /// A plain whole number.
    private mutating func integer(_ entry: YAMLEntry?, path: String) -> Field<Int> {
        guard let entry else { return .absent }
        if case .scalar(let scalar) = entry.value, !scalar.isNull,
            scalar.style == .plain, scalar.tag == nil || scalar.tag == "tag:yaml.org,2002:int",
            scalar.text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let value = Int(scalar.text)
        {
            return .present(Located(value: value, mark: scalar.mark, path: path))
        }
        let found = entry.value.kindDescription == "a number" ? "'\(TopologyFormat.display(scalarText(entry.value)))'" : entry.value.kindDescription
        report(mark(of: entry), path, "expected a whole number, found \(found)")
        return .invalid
    }

    /// A plain `true` or `false`.
    private mutating func boolean(_ entry: YAMLEntry?, path: String) -> Field<Bool> {
        guard let entry else { return .absent }
        if case .scalar(let scalar) = entry.value, scalar.style == .plain,
            scalar.tag == nil || scalar.tag == "tag:yaml.org,2002:bool"
        {
            switch scalar.text {
            case "true", "True", "TRUE": return .present(Located(value: true, mark: scalar.mark, path: path))
            case "false", "False", "FALSE": return .present(Located(value: false, mark: scalar.mark, path: path))
            default: break
            }
        }
        let found: String
        if case .scalar(let scalar) = entry.value, !scalar.isNull {
            found = "'\(TopologyFormat.display(scalar.text))'"
        } else {
            found = entry.value.kindDescription
        }
        report(mark(of: entry), path, "expected true or false, found \(found)")
        return .invalid
    }

    /// The scalar a text field holds; `nil` (reported) for null, lists and mappings.
    private mutating func textScalar(_ node: YAMLNode, path: String) -> YAMLScalar? {
        guard case .scalar(let scalar) = node else {
            report(node.mark, path, "expected a single value, found \(node.kindDescription)")
            return nil
        }
        guard !scalar.isNull else {
            report(node.mark, path, "has no value")
            return nil
        }
        return scalar
    }

    private func scalarText(_ node: YAMLNode) -> String {
        if case .scalar(let scalar) = node { return scalar.text }
        return ""
    }

    // MARK: Helpers

    /// Where a message about an entry's value points: the value, or the key when the value is
    /// empty (libyaml places an empty value after the line break).
    private func mark(of entry: YAMLEntry) -> YAMLMark {
        if case .scalar(let scalar) = entry.value, scalar.isNull { return entry.key.mark }
        return entry.value.mark
    }

    private func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    private mutating func report(_ mark: YAMLMark?, _ field: String, _ message: String) {
        issues.append(TopologyIssue(file: file, line: mark?.line, column: mark?.column, field: field, message: message))
    }
}
