import Foundation

/// Runs the requested steps in order, stops at the first failure, prints the summary, and records an
/// image that passed the whole quality pipeline so that publish_image can trust it.
struct Pipeline: Sendable {
    var project: Project
    var settings: Settings
    var environment: [String: String]
    var runner: any ProcessRunning
    var console: Console
    var resources: RunResources

    var docker: DockerCLI { DockerCLI(executable: settings.docker, runner: runner, console: console) }
    var git: Git { Git(runner: runner, root: project.root) }

    public struct Outcome: Sendable, Equatable {
        public enum Verdict: String, Sendable { case passed, failed, skipped }
        public var step: String
        public var verdict: Verdict
        public var seconds: Double
    }

    func run(_ requested: [StepDefinition]) async -> Int32 {
        let catalog = StepCatalog.steps(for: project)
        let steps = requested.flatMap { StepCatalog.expand($0, in: catalog) }
        if let error = await preflight(steps) {
            report(error, in: "publish_image")
            return error.exitCode
        }
        if steps.count == 1, steps[0].body == .action(.showProject) {
            ShowProject(project: project, settings: settings, console: console).run()
            return ExitCode.success
        }
        warnOfUnpinnedTools(steps)
        var outcomes: [Outcome] = []
        var passed: [(step: String, imageID: String?)] = []
        var recorded = false
        var failed = false
        for step in steps {
            guard !resources.isCancelling else { break }
            guard !failed else {
                outcomes.append(Outcome(step: step.name, verdict: .skipped, seconds: 0))
                continue
            }
            console.stepHeader(step.name)
            let start = Date()
            do {
                let imageID = try await perform(step)
                outcomes.append(Outcome(step: step.name, verdict: .passed, seconds: Date().timeIntervalSince(start)))
                passed.append((step.name, imageID))
                // At once, not after the loop: a publish_image later in this run must find it.
                if !recorded, let imageID = PassRecord.passedImage(passed) {
                    await PassRecord.store(
                        imageID: imageID, image: settings.image, docker: docker, git: git, console: console)
                    recorded = true
                }
            } catch {
                outcomes.append(Outcome(step: step.name, verdict: .failed, seconds: Date().timeIntervalSince(start)))
                report(error, in: step.name)
                failed = true
            }
        }
        printSummary(outcomes)
        return failed ? ExitCode.failure : ExitCode.success
    }

    /// What can be known wrong before anything runs: where publish_image would push.
    private func preflight(_ steps: [StepDefinition]) async -> WorkflowsError? {
        guard steps.contains(where: { $0.body == .action(.publishImage) }) else { return nil }
        let origin = await git.facts()?.origin
        do {
            _ = try PublishImage.repository(settings: settings, environment: environment, origin: origin)
            return nil
        } catch let error as WorkflowsError {
            return error
        } catch {
            return WorkflowsError(.usage, "\(error)")
        }
    }

    /// The run says once which gate tools no test requirement pins.
    private func warnOfUnpinnedTools(_ steps: [StepDefinition]) {
        let installs: [StepAction] = [.assessImageCode, .installAllPackages]
        guard !project.unpinnedTools.isEmpty, steps.contains(where: { step in
            installs.contains { step.body == .action($0) }
        }) else { return }
        let named = project.testRequirements.isEmpty ? "no test requirements file" : project.testRequirements.joined(separator: ", ")
        console.warning(
            "\(project.unpinnedTools.joined(separator: ", ")) pinned nowhere (\(named)): installed at the latest "
                + "version. Pin them in the test requirements for repeatable verdicts.")
    }

    /// Runs one step; the image steps return the ID of the image they built or assessed.
    private func perform(_ step: StepDefinition) async throws -> String? {
        guard case .action(let action) = step.body else { return nil }
        let host = HostSteps(project: project, runner: runner, console: console, resources: resources)
        switch action {
        case .styleCode: try await host.styleCode()
        case .hostGate(let gate): try await host.runGates([gate])
        case .hostGates: try await host.runGates(project.gates)
        case .buildImage(let useCache):
            return try await BuildImage(
                useCache: useCache, image: settings.image, project: project, docker: docker, git: git,
                console: console, resources: resources
            ).run()
        case .assessImageCode:
            return try await AssessImageCode(
                image: settings.image, project: project, docker: docker, console: console, resources: resources
            ).run()
        case .assessImageHealth:
            return try await AssessImageHealth(
                image: settings.image, project: project, timeout: settings.healthTimeoutSeconds, docker: docker,
                console: console, resources: resources
            ).run()
        case .installAllPackages: try await host.installAllPackages()
        case .runApp: try await host.runApp()
        case .publishImage:
            try await PublishImage(
                settings: settings, environment: environment, docker: docker, git: git, console: console,
                resources: resources
            ).run()
        case .showProject: ShowProject(project: project, settings: settings, console: console).run()
        }
        return nil
    }

    private func report(_ error: Error, in step: String) {
        // Once a signal is being handled, failures are its consequences, not news.
        guard !resources.isCancelling else { return }
        if let error = error as? WorkflowsError {
            console.error("\(step): \(error.message)")
            if let remedy = error.remedy { console.diagnostic(remedy) }
        } else {
            console.error("\(step): \(error)")
        }
    }

    private func printSummary(_ outcomes: [Outcome]) {
        // An interrupted run has no verdicts: the signal's cleanup speaks, and decides the exit status.
        guard !resources.isCancelling else { return }
        let width = (outcomes.map(\.step.count).max() ?? 0) + 2
        console.info("\nSummary:")
        for outcome in outcomes {
            let line =
                "  " + outcome.step.padding(toLength: width, withPad: " ", startingAt: 0)
                + outcome.verdict.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                + (outcome.verdict == .skipped ? "" : Seconds.format(outcome.seconds))
            switch outcome.verdict {
            case .passed: console.success(line)
            case .failed: console.failure(line)
            case .skipped: console.info(line)
            }
        }
    }
}
