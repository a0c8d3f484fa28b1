import Foundation
import Testing

@testable import WorkflowsKit

/// A working tree that git cannot judge is not clean: the image built from it says `unknown`, and
/// nothing makes it publishable. Real git on real checkouts; the engine is the fake one.
@Suite struct GitTreeTests {
    /// A committed copy of the embedded app's shape whose index is then overwritten with garbage: `git
    /// status` fails ("index file corrupt") while HEAD still resolves.
    func checkoutWithACorruptIndex() async throws -> URL {
        let root = try NumbersAPIShape.make(["Dockerfile": PipelineRunTests.dockerfile])
        let git = FoundationProcessRunner()
        for arguments in [
            ["init", "--quiet", "--initial-branch=main"], ["add", "."],
            ["-c", "user.name=Unit Test", "-c", "user.email=unit@example.invalid", "commit", "--quiet", "-m", "app"],
        ] {
            let output = try await git.run(Command("git", arguments, workingDirectory: root.path))
            try #require(output.succeeded, "git \(arguments): \(output.errorText)")
        }
        try Data("not an index, but long enough to be read as one".utf8)
            .write(to: root.appendingPathComponent(".git/index"))
        return root
    }

    @Test func aFailingStatusIsAnUnknownTreeNeverAClean() async throws {
        let root = try await checkoutWithACorruptIndex()
        let facts = try #require(await Git(runner: FoundationProcessRunner(), root: root).facts())
        guard case .unknown(let reason) = facts.tree else {
            Issue.record("git status failed, yet the tree is \(facts.tree)")
            return
        }
        #expect(reason.contains("index file corrupt"), "\(reason)")
        #expect(!facts.dirty)
        let labels = BuildImage.labels(facts: facts, useCache: false, created: Date())
        #expect(labels.filter { $0.0 == "workflows.tree" }.map(\.1) == ["unknown"])
        #expect(GitState(facts).tree == .unknown)
    }

    @Test func anImageOfAnUnknownTreePassesButIsNeverPublished() async throws {
        let root = try await checkoutWithACorruptIndex()
        let engine = FakeEngine()
        let git = FakeGit()
        git.realGit = FoundationProcessRunner()
        let (status, console) = try await runWorkflows(
            ["quality_pipeline", "publish_image", "--publish-repository", "127.0.0.1:5000/o/app"],
            engine: engine, git: git, root: root)
        #expect(status == 1, "\(console.all)")
        #expect(console.stderr.contains("git cannot tell whether the working tree is clean"), "\(console.stderr)")
        #expect(console.stderr.contains("index file corrupt"), "\(console.stderr)")
        #expect(console.stderr.contains("not recorded as publishable: git could not tell"), "\(console.stderr)")
        #expect(console.stderr.contains("Refusing to publish"), "\(console.stderr)")
        #expect(engine.image("numbers-api:latest")?.config.labels[EngineLabels.tree] == "unknown")
        #expect(engine.pushes.isEmpty)
    }
}
