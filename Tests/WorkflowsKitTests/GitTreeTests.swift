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

    /// A monorepo's project in a subfolder (`-C services/api`) on GitLab: the default report folder is at the
    /// checkout's top, outside the project, and a second run (publish_image after quality_pipeline in one
    /// job) still finds the tree clean.
    @Test func theReportFolderAtTheTopOfAMonorepoLeavesTheTreeClean() async throws {
        let top = try NumbersAPIShape.make(["services/api/app.py": "X = 1\n"])
        let git = FoundationProcessRunner()
        for arguments in [
            ["init", "--quiet", "--initial-branch=main"], ["add", "."],
            ["-c", "user.name=Unit Test", "-c", "user.email=unit@example.invalid", "commit", "--quiet", "-m", "app"],
        ] {
            let output = try await git.run(Command("git", arguments, workingDirectory: top.path))
            try #require(output.succeeded, "git \(arguments): \(output.errorText)")
        }
        let project = top.appendingPathComponent("services/api")
        let reports = top.appendingPathComponent("workflows-report")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: reports.appendingPathComponent("report.json"))
        #expect(RepositoryPaths.workTree(holding: project).path == top.standardizedFileURL.path)
        let ignored = RepositoryPaths.inside(RepositoryPaths.workTree(holding: project), reports.path)
        #expect(ignored == ["workflows-report"])
        #expect(try #require(await Git(runner: git, root: project, ignoredPaths: ignored).facts()).tree == .clean)
        #expect(try #require(await Git(runner: git, root: project).facts()).tree == .dirty, "the check can fail")
        // Inside the project it is passed over too; anything else still makes the tree dirty.
        let inner = project.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: inner.appendingPathComponent("r.json"))
        let both = ignored + RepositoryPaths.inside(RepositoryPaths.workTree(holding: project), inner.path)
        #expect(try #require(await Git(runner: git, root: project, ignoredPaths: both).facts()).tree == .clean)
        try Data("y".utf8).write(to: project.appendingPathComponent("new.py"))
        #expect(try #require(await Git(runner: git, root: project, ignoredPaths: both).facts()).tree == .dirty)
        // Outside any work tree the folder is the project's own.
        #expect(RepositoryPaths.workTree(holding: URL(fileURLWithPath: "/nonexistent/p")).path == "/nonexistent/p")
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
