// TrustPolicyParser.swift — turns the JSON object tree of a trust policy into typed statements.

import Foundation

/// Reads a policy from `JSONSerialization` output, checking every field it uses and naming the
/// field path in each error. Fields trust policies do not use (`Resource`, `Id`, …) are ignored.
struct TrustPolicyParser {
    static func parse(data: Data) throws -> TrustPolicy {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw TrustPolicyError(.invalidJSON, path: "", TrustPolicyParser.jsonFailure(error))
        }
        guard let document = object as? [String: Any] else {
            throw TrustPolicyError(.notAnObject, path: "", "expected a JSON object with a Statement field")
        }

        var version: String?
        if let rawVersion = document["Version"] {
            guard let text = rawVersion as? String else {
                throw TrustPolicyError(.wrongType, path: "Version", "expected a string such as \"2012-10-17\"")
            }
            version = text
        }

        guard let rawStatements = document["Statement"] else {
            throw TrustPolicyError(.missingField, path: "Statement", "a policy needs a Statement")
        }
        var statements: [TrustPolicyStatement] = []
        if let single = rawStatements as? [String: Any] {
            statements.append(try statement(single, index: 0, path: "Statement"))
        } else if let list = rawStatements as? [Any] {
            for (index, element) in list.enumerated() {
                let path = "Statement[\(index)]"
                guard let object = element as? [String: Any] else {
                    throw TrustPolicyError(.wrongType, path: path, "expected a statement object")
                }
                statements.append(try statement(object, index: index, path: path))
            }
        } else {
            throw TrustPolicyError(.wrongType, path: "Statement", "expected a statement object or a list of them")
        }
        return TrustPolicy(version: version, statements: statements, normalizedJSON: json(document))
    }

    // MARK: - Statement

    private static func statement(_ object: [String: Any], index: Int, path: String) throws -> TrustPolicyStatement {
        var sid: String?
        if let rawSid = object["Sid"] {
            guard let text = rawSid as? String else {
                throw TrustPolicyError(.wrongType, path: "\(path).Sid", "expected a string")
            }
            sid = text
        }

        guard let rawEffect = object["Effect"] else {
            throw TrustPolicyError(.missingField, path: "\(path).Effect", "a statement needs \"Allow\" or \"Deny\"")
        }
        guard let effectText = rawEffect as? String else {
            throw TrustPolicyError(.wrongType, path: "\(path).Effect", "expected \"Allow\" or \"Deny\"")
        }
        guard let effect = TrustPolicyStatement.Effect(rawValue: effectText) else {
            throw TrustPolicyError(
                .invalidValue, path: "\(path).Effect",
                "expected \"Allow\" or \"Deny\", found \(ConditionClause.quoted(effectText))")
        }

        let principal = try principalElement(object, path: path)
        let action = try actionElement(object, path: path)

        var conditions: [ConditionClause] = []
        if let rawCondition = object["Condition"] {
            conditions = try conditionClauses(rawCondition, path: "\(path).Condition")
        }

        return TrustPolicyStatement(
            index: index, path: path, sid: sid, effect: effect, principal: principal, action: action,
            conditions: conditions, json: json(object))
    }

    // MARK: - Principal

    private static func principalElement(_ object: [String: Any], path: String) throws -> PrincipalElement {
        let positive = object["Principal"]
        let negative = object["NotPrincipal"]
        if positive != nil, negative != nil {
            throw TrustPolicyError(
                .conflictingFields, path: path, "a statement has either Principal or NotPrincipal, not both")
        }
        guard let raw = positive ?? negative else {
            throw TrustPolicyError(
                .missingField, path: "\(path).Principal", "a trust policy statement needs a Principal")
        }
        let isNegated = positive == nil
        let elementPath = "\(path).\(isNegated ? "NotPrincipal" : "Principal")"

        if let text = raw as? String {
            guard text == "*" else {
                throw TrustPolicyError(
                    .invalidValue, path: elementPath,
                    "a Principal string must be \"*\"; name accounts as {\"AWS\": …}")
            }
            return PrincipalElement(isNegated: isNegated, principals: [.anyone])
        }
        guard let map = raw as? [String: Any] else {
            throw TrustPolicyError(.wrongType, path: elementPath, "expected \"*\" or an object such as {\"AWS\": …}")
        }
        var principals: [PolicyPrincipal] = []
        for type in map.keys.sorted() {
            let typePath = "\(elementPath).\(type)"
            let values = try stringList(map[type] ?? NSNull(), path: typePath)
            switch type.lowercased() {
            case "aws":
                principals += values.map { PolicyPrincipal(awsValue: $0) }
            case "service":
                principals += values.map { PolicyPrincipal.service($0) }
            case "federated":
                principals += values.map { PolicyPrincipal.federated($0) }
            case "canonicaluser":
                principals += values.map { PolicyPrincipal.canonicalUser($0) }
            default:
                throw TrustPolicyError(
                    .unsupportedPrincipalType, path: typePath,
                    "expected AWS, Service, Federated or CanonicalUser")
            }
        }
        return PrincipalElement(isNegated: isNegated, principals: principals)
    }

    // MARK: - Action

    private static func actionElement(_ object: [String: Any], path: String) throws -> ActionElement {
        let positive = object["Action"]
        let negative = object["NotAction"]
        if positive != nil, negative != nil {
            throw TrustPolicyError(
                .conflictingFields, path: path, "a statement has either Action or NotAction, not both")
        }
        guard let raw = positive ?? negative else {
            throw TrustPolicyError(.missingField, path: "\(path).Action", "a statement needs an Action")
        }
        let isNegated = positive == nil
        let patterns = try stringList(raw, path: "\(path).\(isNegated ? "NotAction" : "Action")")
        return ActionElement(isNegated: isNegated, patterns: patterns)
    }

    // MARK: - Condition

    private static func conditionClauses(_ raw: Any, path: String) throws -> [ConditionClause] {
        guard let operators = raw as? [String: Any] else {
            throw TrustPolicyError(.wrongType, path: path, "expected an object of condition operators")
        }
        var clauses: [ConditionClause] = []
        for name in operators.keys.sorted() {
            let operatorPath = "\(path).\(name)"
            guard let keys = operators[name] as? [String: Any] else {
                throw TrustPolicyError(.wrongType, path: operatorPath, "expected an object of condition keys")
            }
            let conditionOperator = ConditionOperator(name)
            for key in keys.keys.sorted() {
                let keyPath = "\(operatorPath).\(key)"
                let values = try conditionValues(keys[key] ?? NSNull(), path: keyPath)
                clauses.append(
                    ConditionClause(conditionOperator: conditionOperator, key: key, values: values, path: keyPath))
            }
        }
        return clauses
    }

    private static func conditionValues(_ raw: Any, path: String) throws -> [String] {
        if let list = raw as? [Any] {
            return try list.enumerated().map { index, element in
                guard let text = scalarText(element) else {
                    throw TrustPolicyError(
                        .wrongType, path: "\(path)[\(index)]", "expected a string, number or boolean")
                }
                return text
            }
        }
        guard let text = scalarText(raw) else {
            throw TrustPolicyError(.wrongType, path: path, "expected a string, number or boolean, or a list of them")
        }
        return [text]
    }

    /// Strings as they are; booleans as `true`/`false`; numbers as JSON writes them.
    private static func scalarText(_ value: Any) -> String? {
        if let text = value as? String { return text }
        if let number = value as? NSNumber {
            if CanonicalJSON.isBoolean(number) { return number.boolValue ? "true" : "false" }
            return number.stringValue
        }
        return nil
    }

    // MARK: - Helpers

    /// A string or a list of strings.
    private static func stringList(_ raw: Any, path: String) throws -> [String] {
        if let text = raw as? String { return [text] }
        guard let list = raw as? [Any] else {
            throw TrustPolicyError(.wrongType, path: path, "expected a string or a list of strings")
        }
        return try list.enumerated().map { index, element in
            guard let text = element as? String else {
                throw TrustPolicyError(.wrongType, path: "\(path)[\(index)]", "expected a string")
            }
            return text
        }
    }

    /// Compact JSON with sorted keys.
    private static func json(_ object: [String: Any]) -> String {
        CanonicalJSON.string(object)
    }

    private static func jsonFailure(_ error: Error) -> String {
        let nsError = error as NSError
        if let debug = nsError.userInfo["NSDebugDescription"] as? String, !debug.isEmpty {
            return "not valid JSON (\(debug))"
        }
        return "not valid JSON"
    }
}
