import Foundation

/// What the command line asks for, validated before any step runs.
enum Invocation: Sendable, Equatable {
    case help
    case version
    case run(steps: [StepDefinition], settings: Settings)

    /// Validates the whole command line and the WORKFLOWS_* variables; throws a `.usage` error on the first
    /// thing that is wrong, so that nothing runs.
    static func parse(
        _ arguments: [String], environment: [String: String], project: Project
    ) throws -> Invocation {
        let catalog = StepCatalog.steps(for: project)
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var stepNames: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if ["help", "-h", "--help"].contains(argument) { return .help }
            if argument == "--version" { return .version }
            guard argument.hasPrefix("-") else {
                stepNames.append(argument)
                continue
            }
            let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let spec = OptionSpec.all.first(where: { $0.flag == parts[0] }) else {
                let hint = StepCatalog.suggestion(for: parts[0], among: OptionSpec.all.map(\.flag))
                throw usage("unknown option '\(argument)'" + (hint.map { "; did you mean '\($0)'?" } ?? "."))
            }
            switch spec.value {
            case .flag:
                guard parts.count == 1 else { throw usage("option '\(spec.flag)' takes no value.") }
                flags.insert(spec.flag)
            case .text:
                if parts.count == 2 {
                    guard !parts[1].isEmpty else { throw usage("option '\(spec.flag)' needs a value: \(spec.help).") }
                    values[spec.flag] = parts[1]
                } else if index < arguments.count {
                    // `--report-dir ""` as `--report-dir=`: an empty folder would be the current one.
                    guard !arguments[index].isEmpty else { throw usage("option '\(spec.flag)' needs a value: \(spec.help).") }
                    values[spec.flag] = arguments[index]
                    index += 1
                } else {
                    throw usage("option '\(spec.flag)' needs a value: \(spec.help).")
                }
            }
        }

        guard !stepNames.isEmpty else { throw usage("no step given.") }
        var steps: [StepDefinition] = []
        for name in stepNames {
            guard let step = StepCatalog.find(name, in: catalog) else {
                let hint = StepCatalog.suggestion(for: name, among: catalog.map(\.name))
                throw usage("unknown step '\(name)'" + (hint.map { "; did you mean '\($0)'?" } ?? "."))
            }
            steps.append(step)
        }

        func value(_ spec: OptionSpec) -> (text: String, source: String)? {
            if let flagValue = values[spec.flag] { return (flagValue, spec.flag) }
            if let variable = spec.variable, let text = environment[variable], !text.isEmpty { return (text, variable) }
            return nil
        }

        var timeout = project.healthTimeoutSeconds
        if let (text, source) = value(.healthTimeout) {
            guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
                throw usage("\(source) must be a positive number of seconds, not '\(text)'.")
            }
            timeout = seconds
        }
        let image = value(.image)?.text ?? project.image
        guard ImageReference.isValid(image) else {
            throw usage("'\(image)' is not a valid image reference (lower-case name, optional :tag).")
        }
        let repository = value(.publishRepository)
        if let (text, source) = repository, !ImageReference.isValidRepository(text) {
            throw usage(
                "\(source) must be a repository without a tag, in lower case, such as ghcr.io/owner/app, "
                    + "not '\(text)'.")
        }
        let latestBranches = environment["WORKFLOWS_LATEST_BRANCHES"].flatMap { $0.isEmpty ? nil : $0 }.map {
            $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let publishes = steps.contains { $0.body == .action(.publishImage) }
        let cleans = steps.contains { $0.body == .action(.clean) }
        if flags.contains(OptionSpec.dryRun.flag), !publishes, !cleans {
            throw usage("option '--dry-run' is for publish_image and clean, neither of which is among the steps.")
        }
        if flags.contains(OptionSpec.allowUnverifiedImage.flag), !publishes {
            throw usage("option '\(OptionSpec.allowUnverifiedImage.flag)' is for publish_image, which is not among the steps.")
        }
        for flag in [OptionSpec.cleanImages.flag, OptionSpec.cleanCaches.flag, OptionSpec.cleanBuildCache.flag] where flags.contains(flag) && !cleans {
            throw usage("option '\(flag)' is for clean, which is not among the steps.")
        }
        let user = environment["WORKFLOWS_REGISTRY_USER"].flatMap { $0.isEmpty ? nil : $0 }
        let password = environment["WORKFLOWS_REGISTRY_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        if (user == nil) != (password == nil) {
            throw usage(
                "WORKFLOWS_REGISTRY_USER and WORKFLOWS_REGISTRY_PASSWORD go together, but only "
                    + "\(user == nil ? "WORKFLOWS_REGISTRY_PASSWORD" : "WORKFLOWS_REGISTRY_USER") is set (a missing secret?).")
        }
        let settings = Settings(
            image: image,
            healthTimeoutSeconds: timeout,
            docker: environment["WORKFLOWS_DOCKER"].flatMap { $0.isEmpty ? nil : $0 } ?? "docker",
            publishRepository: repository?.text,
            dryRun: flags.contains(OptionSpec.dryRun.flag),
            allowUnverifiedImage: flags.contains(OptionSpec.allowUnverifiedImage.flag),
            latestBranches: latestBranches ?? Settings.defaultLatestBranches,
            registryUser: user,
            registryPassword: password,
            reportDirectory: value(.reportDirectory)?.text ?? defaultReportDirectory(environment),
            cleanImages: flags.contains(OptionSpec.cleanImages.flag),
            cleanCaches: flags.contains(OptionSpec.cleanCaches.flag),
            cleanBuildCache: flags.contains(OptionSpec.cleanBuildCache.flag)
        )
        return .run(steps: steps, settings: settings)
    }

    /// On a CI system the reports go where its artifacts are taken from unless told otherwise (`CISystem`).
    static func defaultReportDirectory(_ environment: [String: String]) -> String? {
        CISystem.detect(in: environment)?.defaultReportDirectory(environment)
    }

    private static func usage(_ message: String) -> WorkflowsError {
        WorkflowsError(.usage, message, remedy: "Run 'workflows --help' for the steps and options.")
    }
}
