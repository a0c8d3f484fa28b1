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
        var outcomes: [Outcome] = []
        var failed = false
        for step in steps {
            guard !failed else {
                outcomes.append(Outcome(step: step.name, verdict: .skipped, seconds: 0))
                continue
            }
            context.console.stepHeader(step.name)
            let start = Date()
            do {
                try await perform(step)
                outcomes.append(Outcome(step: step.name, verdict: .passed, seconds: Date().timeIntervalSince(start)))
            } catch {
                outcomes.append(Outcome(step: step.name, verdict: .failed, seconds: Date().timeIntervalSince(start)))
                report(error, in: step.name)
                failed = true
            }
        }
        if !failed, PassRecord.covers(steps.map(\.name)) {
            await PassRecord.store(context: context)
        }
        printSummary(outcomes)
        return failed ? ExitCode.failure : ExitCode.success
    }

    private func perform(_ step: StepDefinition) async throws {
        guard case .action(let action) = step.body else { return }
        let host = HostSteps(context: context)
        switch action {
        case .styleCode: try await host.styleCode()
        case .hostGate(let name): try await host.runGates(context.project.gates.filter { $0.name == name })
        case .hostGates: try await host.runGates(context.project.gates)
        case .buildImage(let useCache): try await BuildImage(useCache: useCache).run(context)
        case .assessImageCode: try await AssessImageCode().run(context)
        case .assessImageHealth: try await AssessImageHealth().run(context)
        case .installAllPackages: try await host.installAllPackages()
        case .runApp: try await host.runApp()
        case .publishImage: try await PublishImage().run(context)
        }
    }

    private func report(_ error: Error, in step: String) {
        if let error = error as? WorkflowsError {
            context.console.error("\(step): \(error.message)")
            if let remedy = error.remedy { context.console.diagnostic(remedy) }
        } else {
            context.console.error("\(step): \(error)")
        }
    }

    private func printSummary(_ outcomes: [Outcome]) {
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
