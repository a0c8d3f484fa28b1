import Foundation
import Testing

@testable import WorkflowsKit

@Suite struct StepScheduleTests {
    func step(_ action: StepAction, _ name: String) -> StepDefinition {
        StepDefinition(name: name, group: "g", summary: "s", body: .action(action))
    }

    @Test func theGatesAndTheHealthRunBesideEachOtherAndTheFirstBuildBeforeGatesFetchesTheWheels() {
        let build = step(.buildImage(useCache: false), "build_ci_image")
        let dev = step(.buildImage(useCache: true), "build_dev_image")
        let code = step(.assessImageCode, "assess_image_code")
        let health = step(.assessImageHealth, "assess_image_health")
        let publish = step(.publishImage, "publish_image")
        #expect(StepSchedule.of([build, code, health, publish]) == [
            .alone(build, fetchesWheels: true), .beside(code: code, health: health), .alone(publish, fetchesWheels: false),
        ])
        #expect(StepSchedule.of([build, dev, code]) == [
            .alone(build, fetchesWheels: true), .alone(dev, fetchesWheels: false), .alone(code, fetchesWheels: false),
        ], "one download per run")
        #expect(StepSchedule.of([health, code, build]) == [
            .alone(health, fetchesWheels: false), .alone(code, fetchesWheels: false), .alone(build, fetchesWheels: false),
        ], "only the gates followed by the health run beside it; a build after the gates fetches nothing")
        #expect(StepSchedule.of([build, code, health]).flatMap(\.steps) == [build, code, health])
    }
}
