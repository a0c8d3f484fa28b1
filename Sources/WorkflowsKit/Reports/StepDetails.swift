import Foundation

/// What a step tells the run's report beyond its verdict: its gates, its health wait, what it pushed.
/// Filled in by the step as it goes, so that a step that fails (or is interrupted) still leaves what it
/// had finished.
final class StepDetails: @unchecked Sendable {
    private let lock = NSLock()
    private var gateReports: [GateReport]?
    private var healthReport: HealthReport?
    private var publishReport: PublishReport?
    private var serviceReports: [ServiceReport]?

    var gates: [GateReport]? { lock.withLock { gateReports } }
    var health: HealthReport? { lock.withLock { healthReport } }
    var publish: PublishReport? { lock.withLock { publishReport } }
    var services: [ServiceReport]? { lock.withLock { serviceReports } }

    func record(gates: [GateReport]) { lock.withLock { gateReports = gates } }
    func record(health: HealthReport) { lock.withLock { healthReport = health } }
    func record(publish: PublishReport) { lock.withLock { publishReport = publish } }
    func record(services: [ServiceReport]) { lock.withLock { serviceReports = services } }
}
