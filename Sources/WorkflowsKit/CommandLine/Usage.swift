/// The `help` text, generated from the step table and the option table.
enum Usage {
    /// Without a project (its file is wrong), the gate steps are left out.
    static func text(for project: Project?) -> String {
        let steps = project.map(StepCatalog.steps(for:)) ?? StepCatalog.steps(for: nil)
        var lines = [
            "workflows: the image-driven CI/CD pipeline: build the image, assess the code inside it,",
            "prove it healthy, and only then publish it.",
            "",
            "Usage: workflows [-C DIR] [options] STEP [STEP ...]",
            "Runs the steps in order and stops at the first that fails. Steps also answer to kebab-case",
            "(build-ci-image).",
        ]
        var groups: [String] = []
        for step in steps where !groups.contains(step.group) { groups.append(step.group) }
        let width = (steps.map(\.name.count).max() ?? 0) + 2
        for group in groups {
            lines.append("")
            lines.append(group.prefix(1).uppercased() + group.dropFirst() + ":")
            for step in steps where step.group == group {
                lines.append("  " + step.name.padding(toLength: width, withPad: " ", startingAt: 0) + step.summary)
            }
        }
        lines.append("")
        if let project {
            let gates = project.gates.map(\.name).joined(separator: ", ")
            lines.append("Gates of the project at \(project.root.path) (\(project.origins["gates"] ?? "convention")):")
            lines.append("  " + (gates.isEmpty ? "none" : gates))
            lines.append("")
        }
        lines.append("Options (the flag wins over its environment variable):")
        let optionWidth = (OptionSpec.all.map { label($0).count }.max() ?? 0) + 2
        lines.append(
            "  " + "-C, --project-dir DIR".padding(toLength: optionWidth, withPad: " ", startingAt: 0)
                + "the repository root, where the project file is (default: the current folder)")
        for option in OptionSpec.all {
            let variable = option.variable.map { " [\($0)]" } ?? ""
            lines.append("  " + label(option).padding(toLength: optionWidth, withPad: " ", startingAt: 0) + option.help + variable)
        }
        lines.append("  " + "--version".padding(toLength: optionWidth, withPad: " ", startingAt: 0) + "print the version")
        lines.append("  " + "-h, --help".padding(toLength: optionWidth, withPad: " ", startingAt: 0) + "print this help")
        lines += [
            "",
            "Environment: WORKFLOWS_DOCKER (the docker-compatible CLI, default docker on PATH),",
            "WORKFLOWS_LATEST_BRANCHES (default main,master), WORKFLOWS_REGISTRY_USER and",
            "WORKFLOWS_REGISTRY_PASSWORD (publish_image logs in with them through stdin), NO_COLOR.",
            "DOCKER_HOST, DOCKER_CONTEXT and DOCKER_CONFIG pass through to docker untouched.",
            "",
            "Project: workflows.toml, .workflows.toml or [tool.workflows] in pyproject.toml at the root,",
            "else the repository's conventions; 'workflows show_project' shows what was understood.",
            "",
            "Exit status: 0 all steps passed, 1 a step failed, 64 usage error (command line or project file),",
            "128+N ended by signal N (130 SIGINT, 143 SIGTERM).",
        ]
        return lines.joined(separator: "\n")
    }

    private static func label(_ option: OptionSpec) -> String {
        option.value == .text ? option.flag + " VALUE" : option.flag
    }
}
