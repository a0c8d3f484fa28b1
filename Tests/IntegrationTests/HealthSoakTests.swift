import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// A health wait of ten minutes on the real engine, its descriptors counted through /proc as it goes: a
/// leak of even one descriptor per probe (the old pipes' read ends were two per child) would add hundreds.
/// Ten minutes of wall clock: it runs only from scripts/soak.sh (nightly), which sets WORKFLOWS_SOAK=1;
/// every other run reports it skipped. Its probe takes a second, as slow probes do, so that it loads the
/// machine lightly: about one probe and one inspect a second.
@Suite(
    .timeLimit(.minutes(13)),
    .enabled(
        if: ProcessInfo.processInfo.environment["WORKFLOWS_SOAK"] == "1",
        "a ten-minute soak: scripts/soak.sh runs it (WORKFLOWS_SOAK=1)"))
struct HealthSoakTests {
    static let waitSeconds = 600.0
    static let sampleEvery = 10.0

    @Test func aTenMinuteHealthWaitHoldsAConstantNumberOfDescriptors() async throws {
        try await Harness.requireEngine()
        var files = SampleProjects.setupCfgOnly
        // Stays `starting` for the whole wait: failures in the start period do not count, and the engine
        // probes every 30 s with 100 retries after it.
        files["Dockerfile"] = """
            FROM python:3.11-slim
            HEALTHCHECK --interval=30s --timeout=10s --start-period=1s --retries=100 CMD ["/bin/sh", "-c", "sleep 1; exit 1"]
            CMD ["python3", "-c", "import time; time.sleep(100000)"]

            """
        files[".dockerignore"] = "*\n"
        let repository = try FakeRepository("workflows-it-soak", files: files)
        defer { repository.delete() }
        let image = Harness.uniqueName("workflows-it-soak") + ":latest"
        let run = try Harness.BackgroundRun(
            ["build_dev_image", "assess_image_health", "--image", image, "--health-timeout", "\(Int(Self.waitSeconds))"],
            in: repository.root)
        // Its container lives ten minutes beside other tests, which look for leftovers on the whole engine.
        Harness.longRuns.insert(run.pid)
        defer { Harness.longRuns.remove(run.pid) }
        try await run.waitUntil("the health wait began", seconds: 120) { run.printed.contains("to become healthy") }
        let began = Date()
        var samples: [(seconds: Double, descriptors: Int)] = []
        while !run.hasExited {
            if let count = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(run.pid)/fd").count {
                samples.append((Date().timeIntervalSince(began), count))
            }
            try await Task.sleep(nanoseconds: UInt64(Self.sampleEvery * 1e9))
        }
        let ending = run.stop(nil, limit: 60)
        await Harness.removeImage(image)
        #expect(ending.termination == .exited(1), "\(ending.log)")
        #expect(ending.log.contains("was not healthy by the deadline of 10m00s"), "\(ending.log)")
        let waited = samples.last?.seconds ?? 0
        #expect(waited >= Self.waitSeconds - 2 * Self.sampleEvery, "the wait lasted \(waited) s")
        // A child may be running at a sample, with its pipes and its exit descriptor open: compare the
        // fewest seen in the second and third minute with the fewest seen in the last two.
        let early = samples.filter { $0.seconds >= 60 && $0.seconds < 180 }.map(\.descriptors).min()
        let late = samples.filter { $0.seconds >= waited - 120 }.map(\.descriptors).min()
        let trace = samples.map { "\(Int($0.seconds))s:\($0.descriptors)" }.joined(separator: " ")
        print("health soak: \(samples.count) samples over \(Int(waited)) s; descriptors \(trace)")
        let first = try #require(early, "\(trace)")
        let last = try #require(late, "\(trace)")
        #expect(last <= first, "descriptors grew during the wait: \(trace)")
        #expect((samples.map(\.descriptors).max() ?? 0) <= first + 8, "a spike beyond one child's descriptors: \(trace)")
        #expect(try await Harness.leftovers(of: Harness.Run(status: 1, stdout: ending.log, stderr: "")).isEmpty)
    }
}
