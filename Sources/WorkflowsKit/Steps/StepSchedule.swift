import Foundation

/// The order the pipeline runs its steps in: one after another, except `assess_image_code` directly
/// followed by `assess_image_health`, which run side by side (the health container is judged while the
/// gates run); and the one build that fetches the gate tools' wheels beside it (`ToolWheels`): the first
/// that gates in the image follow.
enum StepSchedule: Sendable, Equatable {
    case alone(StepDefinition, fetchesWheels: Bool)
    case beside(code: StepDefinition, health: StepDefinition)

    /// The steps it runs, in the order they are reported.
    var steps: [StepDefinition] {
        switch self {
        case .alone(let step, _): return [step]
        case .beside(let code, let health): return [code, health]
        }
    }

    static func of(_ steps: [StepDefinition]) -> [StepSchedule] {
        var schedule: [StepSchedule] = []
        var wheelsFetched = false
        var index = 0
        while index < steps.count {
            let step = steps[index]
            index += 1
            if step.body == .action(.assessImageCode), index < steps.count, steps[index].body == .action(.assessImageHealth) {
                schedule.append(.beside(code: step, health: steps[index]))
                index += 1
                continue
            }
            var fetches = false
            if case .action(.buildImage) = step.body, !wheelsFetched,
                steps[index...].contains(where: { $0.body == .action(.assessImageCode) })
            {
                fetches = true
                wheelsFetched = true
            }
            schedule.append(.alone(step, fetchesWheels: fetches))
        }
        return schedule
    }
}
