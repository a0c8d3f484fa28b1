import Foundation

/// Runs the requested steps in order, stops at the first failure, prints the summary, and records an
/// image that passed the whole quality pipeline so that publish_image can trust it.
public struct Pipeline: Sendable {
    public var context: StepContext

    public struct Outcome: Sendable, Equatable {
        public enum Verdict: String, Sendable { case passed, failed, skipped }
        public var step: String
        public var verdict: Verdict
        public var seconds: Double
    }

    public func run(_ requested: [StepDefinition]) async -> Int32 {
        let catalog = StepCatalog.steps(for: context.project)
        let steps = requested.flatMap { StepCatalog.expand($0, in: catalog) }
        if let error = await preflight(steps) {
            report(error, in: "publish_image")
            return error.exitCode
        }
        var outcomes: [Outcome] = []
        var passed: [(step: String, imageID: String?)] = []
        var recorded = false
        var failed = false
        for step in steps {
            guard context.cancellator.cancellingSignal == nil else { break }
            guard !failed else {
                outcomes.append(Outcome(step: step.name, verdict: .skipped, seconds: 0))
                continue
            }
            context.console.stepHeader(step.name)
            let start = Date()
            do {
                let imageID = try await perform(step)
                outcomes.append(Outcome(step: step.name, verdict: .passed, seconds: Date().timeIntervalSince(start)))
                passed.append((step.name, imageID))
                // At once, not after the loop: a publish_image later in this run must find it.
                if !recorded, let imageID = PassRecord.passedImage(passed) {
                    await PassRecord.store(imageID: imageID, context: context)
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
        let origin = await context.git.facts()?.origin
        do {
            _ = try PublishImage.repository(settings: context.settings, environment: context.environment, origin: origin)
            return nil
        } catch let error as WorkflowsError {
            return error
        } catch {
            return WorkflowsError(.usage, "\(error)")
        }
    }

    /// Runs one step; the image steps return the ID of the image they built or assessed.
    private func perform(_ step: StepDefinition) async throws -> String? {
        guard case .action(let action) = step.body else { return nil }
        let host = HostSteps(context: context)
        switch action {
        case .styleCode: try await host.styleCode()
        case .hostGate(let name): try await host.runGates(context.project.gates.filter { $0.name == name })
        case .hostGates: try await host.runGates(context.project.gates)
        case .buildImage(let useCache): return try await BuildImage(useCache: useCache).run(context)
        case .assessImageCode: return try await AssessImageCode().run(context)
        case .assessImageHealth: return try await AssessImageHealth().run(context)
        case .installAllPackages: try await host.installAllPackages()
        case .runApp: try await host.runApp()
        case .publishImage: try await PublishImage().run(context)
        }
        return nil
    }

    private func report(_ error: Error, in step: String) {
        // Once a signal is being handled, failures are its consequences, not news.
        guard context.cancellator.cancellingSignal == nil else { return }
        if let error = error as? WorkflowsError {
            context.console.error("\(step): \(error.message)")
            if let remedy = error.remedy { context.console.diagnostic(remedy) }
        } else {
            context.console.error("\(step): \(error)")
        }
    }

    private func printSummary(_ outcomes: [Outcome]) {
        // An interrupted run has no verdicts: the signal's cleanup speaks, and decides the exit status.
        guard context.cancellator.cancellingSignal == nil else { return }
        let width = (outcomes.map(\.step.count).max() ?? 0) + 2
        context.console.info("\nSummary:")
        for outcome in outcomes {
            let line =
                "  " + outcome.step.padding(toLength: width, withPad: " ", startingAt: 0)
                + outcome.verdict.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                + (outcome.verdict == .skipped ? "" : Duration.format(outcome.seconds))
            switch outcome.verdict {
            case .passed: context.console.success(line)
            case .failed: context.console.failure(line)
            case .skipped: context.console.info(line)
            }
        }
    }
}
