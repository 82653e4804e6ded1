// ChangePlanReport — renders a change plan for people (text, Markdown) and machines (JSON).
import Foundation
import TrustlineCore

/// Renders a ``ChangePlan``.
public enum ChangePlanReport {
    public static func text(_ plan: ChangePlan) -> String {
        var lines: [String] = []
        if plan.steps.isEmpty && plan.blockers.isEmpty {
            lines.append("Nothing to do: every environment of \(SafeText.singleLine(plan.topology)) can be deployed by its pipelines.")
        } else {
            lines.append("Plan for \(SafeText.singleLine(plan.topology)): \(plan.steps.count) step\(plan.steps.count == 1 ? "" : "s"), in this order.")
            lines.append("")
            for step in plan.steps {
                lines.append("\(step.number). \(SafeText.singleLine(step.title))")
                for note in step.notes { lines.append("   note: \(SafeText.singleLine(note))") }
                if let argv = step.argv { lines.append("   $ \(ShellQuoting.line(argv))") }
            }
        }
        if !plan.blockers.isEmpty {
            lines.append("")
            lines.append("If the pipeline change is pushed first:")
            for blocker in plan.blockers {
                let why = blocker.checks.map(\.rawValue).joined(separator: ", ")
                lines.append(
                    "  - \(SafeText.singleLine(blocker.environment)) (aws://\(blocker.account)/\(blocker.region); \(blocker.existing ? "broken now" : "new"): \(why)): \(SafeText.singleLine(blocker.ifPushedFirst))"
                )
            }
            if plan.blockers.contains(where: \.existing) {
                lines.append("")
                lines.append("Some existing environments are broken now: repair them (the steps above do) before starting the change.")
            }
        }
        if !plan.unreachable.isEmpty {
            lines.append("")
            lines.append("Could not read \(plan.unreachable.map(SafeText.singleLine).joined(separator: ", ")): the plan cannot vouch for them (exit 3).")
        }
        lines.append("")
        lines.append("exit \(plan.exitCode)")
        return lines.joined(separator: "\n") + "\n"
    }

    public static func markdown(_ plan: ChangePlan) -> String {
        var lines: [String] = []
        let verdict =
            plan.exitCode == 0
            ? "✅ Nothing to do" : plan.exitCode == 3 ? "❓ Plan incomplete" : "❌ \(plan.blockers.count) blocker\(plan.blockers.count == 1 ? "" : "s")"
        lines.append("# \(verdict) — trustline plan for \(MarkdownText.code(plan.topology))")
        lines.append("")
        if !plan.steps.isEmpty {
            lines.append("## Steps, in order")
            lines.append("")
            for step in plan.steps {
                lines.append("\(step.number). \(MarkdownText.text(step.title))")
                for note in step.notes { lines.append("   - \(MarkdownText.text(note))") }
                if let argv = step.argv {
                    lines.append("")
                    lines.append(MarkdownText.fencedBlock(ShellQuoting.line(argv), info: "sh", indent: "   "))
                    lines.append("")
                }
            }
        }
        if !plan.blockers.isEmpty {
            lines.append("## If the pipeline change is pushed first")
            lines.append("")
            for blocker in plan.blockers {
                lines.append(
                    "- **\(MarkdownText.text(blocker.environment))** · `aws://\(blocker.account)/\(blocker.region)` (\(blocker.existing ? "broken now" : "new"); "
                        + blocker.checks.map { "`\($0.rawValue)`" }.joined(separator: ", ") + "): " + MarkdownText.text(blocker.ifPushedFirst))
            }
        }
        if !plan.unreachable.isEmpty {
            lines.append("")
            lines.append("Not read (the plan cannot vouch for them): " + plan.unreachable.map(MarkdownText.text).joined(separator: ", "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ plan: ChangePlan) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(plan)
        data.append(0x0A)
        return data
    }
}
