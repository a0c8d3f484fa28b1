/// The one table of steps: the dispatcher, validation and `help` all read it.
enum StepAction: Sendable, Equatable {
    case styleCode
    case hostGate(Gate)
    case hostGates
    case buildImage(useCache: Bool)
    case assessImageCode
    case assessImageHealth
    case installAllPackages
    case runApp
    case publishImage
    case showProject
    case clean
}

struct StepDefinition: Sendable, Equatable {
    enum Body: Sendable, Equatable {
        case action(StepAction)
        case sequence([String])
    }

    var name: String
    var group: String
    var summary: String
    var body: Body

    /// The original's snake_case name, and its kebab-case alias.
    var alias: String { name.replacingOccurrences(of: "_", with: "-") }
}

enum StepCatalog {
    /// The steps for `project`; without one (its file is wrong), those of no gate.
    static func steps(for project: Project?) -> [StepDefinition] {
        var steps = [
            StepDefinition(
                name: "style_code", group: "code modification",
                summary: "on the host: isort, then black (or ruff format), rewrite the sources",
                body: .action(.styleCode))
        ]
        for gate in project?.gates ?? [] {
            steps.append(
                StepDefinition(
                    name: gate.step, group: "code verification",
                    summary: "on the host: \(gate.program ?? "python") " + (project?.arguments(for: gate) ?? []).joined(separator: " "),
                    body: .action(.hostGate(gate))))
        }
        steps += [
            StepDefinition(
                name: "assess_code", group: "code verification",
                summary: "on the host: every gate above, several at once, all of them even when one fails",
                body: .action(.hostGates)),
            StepDefinition(
                name: "build_ci_image", group: "image modification",
                summary: "build the image without cache, labelled with commit, branch, version and OCI labels",
                body: .action(.buildImage(useCache: false))),
            StepDefinition(
                name: "build_dev_image", group: "image modification",
                summary: "build the image with the layer cache (fast; never publishable)",
                body: .action(.buildImage(useCache: true))),
            StepDefinition(
                name: "assess_image_code", group: "image verification",
                summary: "run every gate in containers of the image, several at once, as the image's user",
                body: .action(.assessImageCode)),
            StepDefinition(
                name: "assess_image_health", group: "image verification",
                summary: "start the image and wait until its HEALTHCHECK (or the project's probe, else its EXPOSEd port) says healthy",
                body: .action(.assessImageHealth)),
            StepDefinition(
                name: "install_all_packages", group: "project",
                summary: "on the host: pip-install the runtime and the test requirements, and the gates' tools",
                body: .action(.installAllPackages)),
            StepDefinition(
                name: "run_app", group: "project",
                summary: "on the host: run the app from source (python -m PACKAGE, the first with __main__.py)",
                body: .action(.runApp)),
            StepDefinition(
                name: "clean", group: "project",
                summary: "remove what ended runs left on the engine; --images: old builds, --caches: gate tools, --build-cache",
                body: .action(.clean)),
            StepDefinition(
                name: "show_project", group: "project",
                summary: "print the resolved project: each value and where it came from",
                body: .action(.showProject)),
            StepDefinition(
                name: "quality_pipeline", group: "project",
                summary: "build_ci_image, then assess_image_code and assess_image_health side by side",
                body: .sequence(["build_ci_image", "assess_image_code", "assess_image_health"])),
            StepDefinition(
                name: "publish_image", group: "project",
                summary: "push the image that passed quality_pipeline, with tags from the branch and the git tag",
                body: .action(.publishImage)),
        ]
        return steps
    }

    static func find(_ name: String, in steps: [StepDefinition]) -> StepDefinition? {
        steps.first { $0.name == name || $0.alias == name }
    }

    /// The atomic steps a step stands for, in order.
    static func expand(_ step: StepDefinition, in steps: [StepDefinition]) -> [StepDefinition] {
        switch step.body {
        case .action: return [step]
        case .sequence(let names):
            return names.compactMap { find($0, in: steps) }.flatMap { expand($0, in: steps) }
        }
    }

    /// The known name closest to `word`, when it is close enough to be what was meant.
    static func suggestion(for word: String, among names: [String]) -> String? {
        let scored = names.map { ($0, EditDistance.between(word.lowercased(), $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, best.0.count / 3) ? best.0 : nil
    }
}

enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
