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
    /// The arguments as given, for the report.
    var commandLine: [String]
    /// The engine for a console (`DockerEngine` but in tests).
    var makeEngine: EngineMaker

    var docker: any ContainerEngine { makeEngine(console) }
    var git: Git {
        Git(
            runner: runner, root: project.root,
            ignoredPaths: RepositoryPaths.inside(RepositoryPaths.workTree(holding: project.root), settings.reportDirectory))
    }

    func run(_ requested: [StepDefinition]) async -> Int32 {
        let catalog = StepCatalog.steps(for: project)
        let steps = requested.flatMap { StepCatalog.expand($0, in: catalog) }
        if steps.count == 1, steps[0].body == .action(.showProject) {
            ShowProject(project: project, settings: settings, console: console).run()
            return ExitCode.success
        }
        // Asked once, now: the steps, the preflight and the report use these; after a signal nothing new
        // is started, and the report still needs them.
        let facts = await git.facts()
        if let (step, error) = preflight(steps, origin: facts?.origin) {
            return stopBeforeRunning(steps, at: step, error, facts: facts)
        }
        if let (step, error) = await builderPreflight(steps) {
            return stopBeforeRunning(steps, at: step, error, facts: facts)
        }
        warnOfUnpinnedTools(steps)
        let reporting = RunReporting(directory: settings.reportDirectory, environment: environment, console: console)
        let runStart = Date()
        // Every step's result, in order: the summary, the pass record and the report are made of these.
        let stepReports = StepReports()
        // The reports are written once, on the way out, or by the unwind limit if a signal's cleanup
        // outlasts it: a report whatever the end.
        resources.cancellator.lastWords { [resources, commandLine] in
            let signal = resources.cancellator.cancellingSignal.map { $0 == SIGINT ? "SIGINT" : "SIGTERM" }
            let steps = stepReports.all
            reporting.finish(RunReport(
                runID: resources.runID, commandLine: commandLine, git: facts.map(GitState.init),
                startedAt: RunReport.timestamp(runStart), durationSeconds: Date().timeIntervalSince(runStart),
                outcome: RunReport.outcome(of: steps, interruptedBy: signal), interruptedBy: signal, steps: steps))
        }
        var recorded = false
        var failed = false
        /// Keeps a step's verdict; records at once an image that passed the whole pipeline, so that a
        /// publish_image later in this run finds it.
        func record(_ outcome: StepOutcome) async {
            stepReports.append(outcome.report(interrupted: resources.isCancelling))
            switch outcome.result {
            case .success:
                let passed = stepReports.all.filter { $0.verdict == .passed }.map { (step: $0.name, imageID: $0.imageID) }
                if !recorded, !resources.isCancelling, let imageID = PassRecord.passedImage(passed) {
                    await PassRecord.store(
                        imageID: imageID, image: settings.image, docker: docker, git: git, console: console)
                    recorded = true
                }
            case .failure(let error):
                report(error, in: outcome.step.name)
                failed = true
            }
        }
        // The gates' tools' wheels are fetched beside the build when the gates follow it (see ToolWheels);
        // the download's container and volume go at the end of the run, or on a signal.
        let wheelsResources = resources.scoped("wheels")
        var wheels: ToolWheels.Prefetch?
        let fetching = OnceFlag()
        // What the steps are told of the checkout: the run's facts, asked again only after a step that
        // rewrites it (style_code), so that a build after it is labelled with the tree it really built.
        var checkout = facts
        // The services of the steps that start containers: each such step's own network and containers.
        let scopes = RunServices.Scope.allCases.filter { scope in
            steps.contains { $0.body == .action(scope == .gates ? .assessImageCode : .assessImageHealth) }
        }
        let services = RunServices(project: project, scopes: scopes, docker: docker, console: console, resources: resources)
        _ = try? await resources.withCleanup({ [docker] runner in
            services?.cleanup(using: runner)
            guard fetching.isSet else { return }
            docker.cleanup(using: runner).removeEverything(labelled: wheelsResources.runLabel)
        }) {
            for scheduled in StepSchedule.of(steps) {
                guard !resources.isCancelling, !failed else {
                    for step in scheduled.steps {
                        stepReports.append(StepReport(
                            name: step.name, verdict: .skipped, startedAt: RunReport.timestamp(runStart), durationSeconds: 0))
                    }
                    continue
                }
                switch scheduled {
                case .beside(let code, let health):
                    for outcome in await runBeside(
                        code: code, health: health, wheels: wheels, facts: checkout, services: services, reporting: reporting)
                    {
                        await record(outcome)
                    }
                case .alone(let step, let fetchesWheels):
                    if fetchesWheels {
                        wheels = ToolWheels(project: project, docker: docker, resources: wheelsResources)
                            .start(marking: fetching)
                    }
                    // The services start while the image builds: they are awaited when a step needs them.
                    if case .action(.buildImage) = step.body, let services { await services.start() }
                    reporting.begin(step.name)
                    console.stepHeader(step.name)
                    let outcome = await StepOutcome.of(step) { [wheels] details in
                        try await perform(step, details: details, facts: checkout, wheels: wheels, services: services)
                    }
                    reporting.end(step.name)
                    await record(outcome)
                    if step.body == .action(.styleCode) { checkout = await git.facts() }
                }
            }
            // A build that failed leaves the download nothing to do.
            wheels?.task.cancel()
            _ = await wheels?.fetched()
        }
        printSummary(stepReports.all)
        await Cancellator.offConcurrency { resources.cancellator.sayLastWords() }
        return failed ? ExitCode.failure : ExitCode.success
    }

    /// `assess_image_code` and `assess_image_health` at once: the health container starts as soon as the
    /// image is there and is judged while the gates run. A health failure stops the gates at once; both
    /// verdicts are reported, the health step's words after the gates'.
    private func runBeside(
        code: StepDefinition, health: StepDefinition, wheels: ToolWheels.Prefetch?, facts: Git.Facts?,
        services: RunServices?, reporting: RunReporting
    ) async -> [StepOutcome]
    {
        reporting.begin(code.name)
        console.stepHeader(code.name)
        console.info("(\(health.name) runs beside it; what it says follows the gates.)")
        let healthConsole = Console(bufferingFor: console)
        let healthResources = resources.scoped("health")
        // Each child returns its outcome, which names its step: no (index, outcome) tuple, a shape of result
        // that Swift 6.3.1's optimizer has miscompiled (see `GateEnd`).
        let outcomes = await withTaskGroup(of: StepOutcome.self) { group in
            group.addTask {
                await StepOutcome.of(code) { details in
                    try await perform(code, details: details, facts: facts, wheels: wheels, services: services)
                }
            }
            group.addTask {
                await StepOutcome.of(health) { details in
                    try await perform(
                        health, details: details, facts: facts, console: healthConsole, resources: healthResources,
                        services: services)
                }
            }
            var outcomes: [Int: StepOutcome] = [:]
            while let outcome = await group.next() {
                let which = outcome.step.name == health.name ? 1 : 0
                outcomes[which] = outcome
                if which == 1, case .failure = outcome.result, outcomes[0] == nil {
                    // The image is not healthy: its gates' verdict no longer matters.
                    group.cancelAll()
                }
            }
            return outcomes
        }
        reporting.end(code.name)
        reporting.begin(health.name)
        console.stepHeader(health.name)
        healthConsole.replay(to: console)
        reporting.end(health.name)
        guard var codeOutcome = outcomes[0], let healthOutcome = outcomes[1] else { return [] }
        if case .failure = healthOutcome.result, case .failure(let error) = codeOutcome.result, !(error is WorkflowsError),
            !resources.isCancelling
        {
            codeOutcome.result = .failure(WorkflowsError(.failed, "Stopped: \(health.name) failed while the gates ran."))
        }
        return [codeOutcome, healthOutcome]
    }

    /// What can be known wrong before anything runs, and the step it stops: a Dockerfile that a build
    /// needs and that is not there; where publish_image would push.
    private func preflight(_ steps: [StepDefinition], origin: String?) -> (String, WorkflowsError)? {
        let build = steps.first { if case .action(.buildImage) = $0.body { true } else { false } }
        if let build, let missing = MissingDockerfile(project: project) {
            return (build.name, missing.error)
        }
        guard steps.contains(where: { $0.body == .action(.publishImage) }) else { return nil }
        do {
            _ = try PublishImage.repository(settings: settings, environment: environment, origin: origin)
            return nil
        } catch let error as WorkflowsError {
            return ("publish_image", error)
        } catch {
            return ("publish_image", WorkflowsError(.usage, "\(error)"))
        }
    }

    /// A build that needs BuildKit (`build.secrets`, `RUN --mount`) stops before anything runs when the
    /// engine's CLI builds with the legacy builder: never a silent skip, never a half-run pipeline.
    private func builderPreflight(_ steps: [StepDefinition]) async -> (String, WorkflowsError)? {
        guard let build = steps.first(where: { if case .action(.buildImage) = $0.body { true } else { false } }) else {
            return nil
        }
        let dockerfile = (try? String(contentsOf: project.path(project.dockerfile), encoding: .utf8)) ?? ""
        let needs = Builder.needs(project: project, dockerfile: dockerfile)
        guard !needs.isEmpty, await docker.builder(environment: environment) == .legacy else { return nil }
        // A CLI that cannot run, or an engine that does not answer, looks like the legacy builder (no buildx
        // answer): that is then what to fix first, not BuildKit.
        do {
            try await docker.requireEngine()
        } catch let error as WorkflowsError {
            return (build.name, error)
        } catch {
            return (build.name, WorkflowsError(.tooling, "\(error)"))
        }
        return (build.name, Builder.legacyError(needs: needs, image: settings.image))
    }

    /// The run says once which gate tools no test requirement (or pre-commit hook) pins, which installer pins
    /// it leaves out, and the loader's notes.
    private func warnOfUnpinnedTools(_ steps: [StepDefinition]) {
        let installs: [StepAction] = [.assessImageCode, .installAllPackages]
        guard steps.contains(where: { step in installs.contains { step.body == .action($0) } }) else { return }
        let dependencies = project.testDependencies
        if !dependencies.droppedInstallers.isEmpty, steps.contains(where: { $0.body == .action(.assessImageCode) }) {
            console.info(
                "Test requirements: \(dependencies.droppedInstallers.joined(separator: ", ")) left out of the gate tools' "
                    + "install: pip, setuptools and wheel install packages, they are not what the gates run.")
        }
        for note in project.notes { console.info("Note: " + note + ".") }
        guard !project.unpinnedTools.isEmpty else { return }
        let named = dependencies.entries.isEmpty ? "no test requirements" : dependencies.entries.joined(separator: ", ")
        console.warning(
            "\(project.unpinnedTools.joined(separator: ", ")) pinned nowhere (\(named)): installed at the latest "
                + "version. Pin them in the test requirements for repeatable verdicts.")
    }

    /// Runs one step; the image steps return the ID of the image they built or assessed. A step beside
    /// another gets a console and resources of its own. `facts`: git's, asked once for the run.
    private func perform(
        _ step: StepDefinition, details: StepDetails, facts: Git.Facts?, console: Console? = nil,
        resources: RunResources? = nil,
        wheels: ToolWheels.Prefetch? = nil, services: RunServices? = nil
    ) async throws -> String? {
        let console = console ?? self.console
        let resources = resources ?? self.resources
        let docker = makeEngine(console)
        guard case .action(let action) = step.body else { return nil }
        let host = HostSteps(project: project, runner: runner, console: console, resources: resources, details: details)
        switch action {
        case .styleCode: try await host.styleCode()
        case .hostGate(let gate): try await host.runGates([gate])
        case .hostGates: try await host.runGates(project.gates)
        case .buildImage(let useCache):
            return try await BuildImage(
                useCache: useCache, image: settings.image, project: project, docker: docker, facts: facts,
                console: console, resources: resources
            ).run()
        case .assessImageCode:
            var awaiting: (@Sendable () async throws -> String?)?
            if let services {
                awaiting = { [self] in try await awaitServices(services, .gates, console: console, details: details) }
            }
            return try await AssessImageCode(
                image: settings.image, project: project, docker: docker, console: console, resources: resources,
                details: details, wheels: wheels, services: awaiting
            ).run()
        case .assessImageHealth:
            let network = try await awaitServices(services, .health, console: console, details: details)
            return try await AssessImageHealth(
                image: settings.image, project: project, timeout: settings.healthTimeoutSeconds, docker: docker,
                console: console, resources: resources, details: details, network: network
            ).run()
        case .installAllPackages: try await host.installAllPackages()
        case .runApp: try await host.runApp()
        case .publishImage:
            try await PublishImage(
                settings: settings, environment: environment, docker: docker, git: git, facts: facts, console: console,
                resources: resources, details: details
            ).run()
        case .showProject: ShowProject(project: project, settings: settings, console: console).run()
        case .clean:
            try await Clean(
                image: settings.image, images: settings.cleanImages, caches: settings.cleanCaches,
                buildCache: settings.cleanBuildCache, dryRun: settings.dryRun, docker: docker, console: console
            ).run()
        }
        return nil
    }

    /// The step's services, healthy; the network its containers join, nil without services. The report gets
    /// them, and the one that failed, if any.
    private func awaitServices(
        _ services: RunServices?, _ scope: RunServices.Scope, console: Console, details: StepDetails
    ) async throws -> String? {
        guard let services else { return nil }
        // Their TCP probe runs in the project's image: it must exist first.
        _ = try await ImageConfig.inspect(settings.image, docker: docker)
        return try await services.ready(scope, probeImage: settings.image, console: console) { details.record(services: $0) }
    }

    /// A preflight stopped the run before any step ran: said, and reported (that step failed, the others
    /// skipped), since a CI's uploads look for the reports whatever the end.
    private func stopBeforeRunning(
        _ steps: [StepDefinition], at step: String, _ error: WorkflowsError, facts: Git.Facts?
    ) -> Int32 {
        report(error, in: step)
        let now = RunReport.timestamp(Date())
        let failing = steps.firstIndex { $0.name == step }
        let reports = steps.indices.map { index in
            var report = StepReport(
                name: steps[index].name, verdict: index == failing ? .failed : .skipped, startedAt: now, durationSeconds: 0)
            if index == failing { report.message = [error.message, error.remedy].compactMap { $0 }.joined(separator: "\n") }
            return report
        }
        RunReporting(directory: settings.reportDirectory, environment: environment, console: console).finish(RunReport(
            runID: resources.runID, commandLine: commandLine, git: facts.map(GitState.init), startedAt: now,
            durationSeconds: 0, outcome: RunReport.outcome(of: reports, interruptedBy: nil), interruptedBy: nil,
            steps: reports))
        return error.exitCode
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

    private func printSummary(_ steps: [StepReport]) {
        // An interrupted run has no verdicts: the signal's cleanup speaks, and decides the exit status.
        guard !resources.isCancelling else { return }
        let width = (steps.map(\.name.count).max() ?? 0) + 2
        console.info("\nSummary:")
        for step in steps {
            let line =
                "  " + step.name.padding(toLength: width, withPad: " ", startingAt: 0)
                + step.verdict.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                + (step.verdict == .skipped ? "" : Seconds.format(step.durationSeconds))
            switch step.verdict {
            case .passed: console.success(line)
            case .failed, .interrupted: console.failure(line)
            case .skipped: console.info(line)
            }
        }
    }
}

/// The steps' reports so far, for the last words that may be said from another thread.
final class StepReports: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [StepReport] = []

    var all: [StepReport] { lock.withLock { reports } }

    func append(_ report: StepReport) { lock.withLock { reports.append(report) } }
}

/// One step's run: its result (the image ID it built or assessed, or the error), when and how long, and
/// the details it recorded for the report.
struct StepOutcome: Sendable {
    var step: StepDefinition
    var result: Result<String?, Error>
    var start: Date
    var seconds: Double
    var details: StepDetails

    static func of(_ step: StepDefinition, _ body: (StepDetails) async throws -> String?) async -> StepOutcome {
        let details = StepDetails()
        let start = Date()
        let result: Result<String?, Error>
        do { result = .success(try await body(details)) } catch { result = .failure(error) }
        return StepOutcome(step: step, result: result, start: start, seconds: Date().timeIntervalSince(start), details: details)
    }

    /// A failure while a signal is being handled is the signal's doing: `interrupted`, not `failed`.
    func report(interrupted: Bool) -> StepReport {
        var report = StepReport(
            name: step.name, verdict: .passed, startedAt: RunReport.timestamp(start), durationSeconds: seconds,
            gates: details.gates, health: details.health, publish: details.publish, services: details.services)
        switch result {
        case .success(let imageID):
            report.imageID = imageID
        case .failure(let error):
            report.verdict = interrupted ? .interrupted : .failed
            if let error = error as? WorkflowsError {
                report.message = [error.message, error.remedy].compactMap { $0 }.joined(separator: "\n")
            } else {
                report.message = interrupted ? "interrupted by a signal" : "\(error)"
            }
        }
        return report
    }
}
