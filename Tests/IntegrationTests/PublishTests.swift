import Foundation
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// publish_image against real registries on loopback: what the registry holds afterwards is the verdict.
    @Suite struct Publish {
        /// A repository path of its own per test, so that each registry listing shows only that test's pushes.
        func repository(on registry: String = Harness.plainRegistry) -> String {
            "\(registry)/\(Harness.uniqueName("it"))/numbers-api"
        }

        /// Puts the passed app's checkout on `branch` with exactly `tags` at HEAD.
        func checkout(_ app: PassedApp.Fixture, branch: String = "main", tags: [String] = []) async throws {
            let folder = app.folder
            try await Harness.sh("git", ["checkout", "--quiet", "-B", branch], in: folder)
            let existing = try await Harness.sh("git", ["tag", "--list"], in: folder)
            for tag in existing.split(separator: "\n") where !tag.isEmpty {
                try await Harness.sh("git", ["tag", "--delete", String(tag)], in: folder)
            }
            for tag in tags { try await Harness.sh("git", ["tag", tag], in: folder) }
        }

        func publish(_ app: PassedApp.Fixture, to repository: String, _ extra: [String] = [],
                     environment: [String: String] = [:]) async throws -> Harness.Run {
            try await Harness.workflows(
                ["publish_image", "--image", app.image, "--publish-repository", repository] + extra,
                in: app.folder, environment: environment)
        }

        func passedApp() async throws -> PassedApp.Fixture {
            let app = try await PassedApp.shared.get()
            try #require(app.run.status == 0, "quality_pipeline did not pass: \(app.run.all)")
            try await Harness.requireRegistry(Harness.plainRegistry)
            return app
        }

        /// Every listed tag's manifest names the local image as its config: the registry holds exactly it.
        func expectPushedExactly(_ tags: Set<String>, to repository: String, of app: PassedApp.Fixture,
                                 credentials: String? = nil, run: Harness.Run) async throws {
            #expect(Set(try await Harness.registryTags(repository, credentials: credentials)) == tags, "\(run.all)")
            let imageID = try await Harness.docker("image", "inspect", "--format", "{{.Id}}", app.image)
            for tag in tags {
                #expect(try await Harness.registryConfigDigest(repository, tag: tag, credentials: credentials) == imageID)
                #expect(run.stdout.range(of: "\(repository):\(tag)@sha256:[0-9a-f]{64}", options: .regularExpression) != nil)
            }
        }

        @Test func mainGetsLatest() async throws {
            let app = try await passedApp()
            try await checkout(app)
            let repository = repository()
            let run = try await publish(app, to: repository)
            #expect(run.status == 0)
            try await expectPushedExactly(["latest"], to: repository, of: app, run: run)
        }

        @Test func aVersionTagOnMainGetsEveryVersionTag() async throws {
            let app = try await passedApp()
            try await checkout(app, tags: ["v1.2.3"])
            let repository = repository()
            let run = try await publish(app, to: repository)
            #expect(run.status == 0)
            try await expectPushedExactly(["latest", "v1.2.3", "1.2.3", "1.2", "1"], to: repository, of: app, run: run)
        }

        @Test func aFeatureBranchPushesNothing() async throws {
            let app = try await passedApp()
            try await checkout(app, branch: "feature/tags")
            let repository = repository()
            let run = try await publish(app, to: repository)
            #expect(run.status == 0)
            #expect(run.stdout.contains("Nothing to publish: branch feature/tags"))
            #expect(try await Harness.registryTags(repository).isEmpty)
        }

        @Test func aPreReleaseGetsOnlyItsOwnVersion() async throws {
            let app = try await passedApp()
            try await checkout(app, tags: ["v1.2.4-rc.1"])
            let repository = repository()
            let run = try await publish(app, to: repository)
            #expect(run.status == 0)
            try await expectPushedExactly(["v1.2.4-rc.1", "1.2.4-rc.1"], to: repository, of: app, run: run)
        }

        @Test func anInvalidTagIsAnErrorAndPushesNothing() async throws {
            let app = try await passedApp()
            try await checkout(app, tags: ["release+2026"])
            let repository = repository()
            let run = try await publish(app, to: repository)
            #expect(run.status == 1)
            #expect(run.stderr.contains("'release+2026' is not a valid Docker tag"))
            #expect(try await Harness.registryTags(repository).isEmpty)
        }

        @Test func theRightPasswordPushesToAnAuthRegistry() async throws {
            let app = try await passedApp()
            try await Harness.requireRegistry(Harness.authRegistry)
            try await checkout(app)
            let repository = repository(on: Harness.authRegistry)
            let run = try await publish(app, to: repository, environment: [
                "WORKFLOWS_REGISTRY_USER": Harness.registryUser, "WORKFLOWS_REGISTRY_PASSWORD": Harness.registryPassword,
            ])
            #expect(run.status == 0)
            #expect(!run.all.contains(Harness.registryPassword))
            try await expectPushedExactly(
                ["latest"], to: repository, of: app, credentials: "\(Harness.registryUser):\(Harness.registryPassword)",
                run: run)
        }

        @Test func aWrongPasswordIsAClearErrorThatLeaksNothing() async throws {
            let app = try await passedApp()
            try await Harness.requireRegistry(Harness.authRegistry)
            try await checkout(app)
            let repository = repository(on: Harness.authRegistry)
            let wrong = "wrong-\(UUID().uuidString)"
            let run = try await publish(app, to: repository, environment: [
                "WORKFLOWS_REGISTRY_USER": Harness.registryUser, "WORKFLOWS_REGISTRY_PASSWORD": wrong,
            ])
            #expect(run.status == 1)
            #expect(run.stderr.contains("docker login to \(Harness.authRegistry) as \(Harness.registryUser) failed"))
            #expect(run.stderr.contains("Nothing was pushed"))
            #expect(!run.all.contains(wrong))
            let credentials = "\(Harness.registryUser):\(Harness.registryPassword)"
            #expect(try await Harness.registryTags(repository, credentials: credentials).isEmpty)
        }

        @Test func aNewCommitAfterThePipelineIsRefused() async throws {
            let app = try await passedApp()
            try await checkout(app)
            try await Harness.commit("A change that no pipeline assessed", in: app.folder)
            let repository = repository()
            let run = try await publish(app, to: repository)
            try await Harness.sh("git", ["reset", "--quiet", "--hard", "HEAD~1"], in: app.folder)
            #expect(run.status == 1)
            #expect(run.stderr.contains("Refusing to publish: the image passed for commit"))
            #expect(try await Harness.registryTags(repository).isEmpty)
        }

        @Test func aDevBuildAfterThePipelineIsRefused() async throws {
            try await Harness.requireEngine()
            try await Harness.requireRegistry(Harness.plainRegistry)
            let folder = try await Harness.appCopy()
            let image = Harness.uniqueName("workflows-it-stale") + ":latest"
            let pipeline = try await Harness.workflows(["quality_pipeline", "--image", image], in: folder)
            try #require(pipeline.status == 0, "\(pipeline.all)")
            let passedID = try await Harness.docker("image", "inspect", "--format", "{{.Id}}", image)
            let dev = try await Harness.workflows(["build_dev_image", "--image", image], in: folder)
            try #require(dev.status == 0, "\(dev.all)")
            let repository = repository()
            let run = try await Harness.workflows(
                ["publish_image", "--image", image, "--publish-repository", repository], in: folder)
            #expect(run.status == 1)
            #expect(run.stderr.contains("not the image that passed"))
            #expect(try await Harness.registryTags(repository).isEmpty)
            let unassessed = Harness.uniqueName("workflows-it-unassessed") + ":latest"
            let built = try await Harness.workflows(["build_ci_image", "--image", unassessed], in: folder)
            try #require(built.status == 0, "\(built.all)")
            let never = try await Harness.workflows(
                ["publish_image", "--image", unassessed, "--publish-repository", repository], in: folder)
            #expect(never.status == 1)
            #expect(never.stderr.contains("no quality_pipeline has passed for \(unassessed)"))
            #expect(try await Harness.registryTags(repository).isEmpty)
            for leftover in [image, unassessed, passedID] { await Harness.removeImage(leftover) }
        }
    }
}
