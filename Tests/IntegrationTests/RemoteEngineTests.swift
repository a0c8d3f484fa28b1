import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

extension EngineTests {
    /// An engine that cannot see the checkout, as a remote engine (`DOCKER_HOST=ssh://…`, a CI service
    /// container) cannot: the checkout lives on a tmpfs in a private mount namespace that only the run
    /// sees, while the engine is reached through its socket. A bind mount of it arrives empty there;
    /// `workflows` needs none.
    @Suite struct RemoteEngine {
        /// Runs `script` with `sh` in a private mount namespace where `mountPoint` is a tmpfs holding a copy
        /// of `source` at `mountPoint/repo`.
        func inPrivateNamespace(_ source: URL, at mountPoint: URL, _ script: String) async throws -> ProcessOutput {
            let setup = "mount -t tmpfs none '\(mountPoint.path)' && cp -a '\(source.path)' '\(mountPoint.path)/repo' "
                + "&& cd '\(mountPoint.path)/repo' && "
            return try await Harness.runner.run(Command(
                "unshare", ["--mount", "--propagation", "private", "sh", "-c", setup + script],
                environment: ["NO_COLOR": "1"]))
        }

        @Test func aCheckoutTheEngineCannotSeePassesAndIsPublished() async throws {
            try await Harness.requireEngine()
            try await Harness.requireRegistry(Harness.plainRegistry)
            let folder = try await Harness.appCopy()
            defer { try? FileManager.default.removeItem(at: folder) }
            let mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent(Harness.uniqueName("workflows-it-remote"))
            try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: mountPoint) }
            let image = Harness.uniqueName("workflows-it-remote") + ":latest"
            let repository = "\(Harness.plainRegistry)/\(Harness.uniqueName("remote"))/numbers-api"
            let binary = try Harness.binary().path
            // First the proof that the engine cannot see it: a bind mount of the checkout arrives empty
            // (while the same mount of a folder the engine can see does not).
            let output = try await inPrivateNamespace(folder, at: mountPoint, """
                echo "mounted: $(docker run --rm -v "$PWD:/x" python:3.11-slim ls -A /x | wc -l)"
                echo "visible: $(docker run --rm -v '\(folder.path):/x' python:3.11-slim ls -A /x | wc -l)"
                '\(binary)' quality_pipeline publish_image --image \(image) --publish-repository \(repository)
                echo "status: $?"
                """)
            await Harness.removeImage(image)
            let text = output.outputText
            #expect(text.contains("mounted: 0"), "the engine saw the private checkout: \(text)")
            #expect(!text.contains("visible: 0"), "the control mount was empty too: \(text)")
            #expect(text.contains("status: 0"), "\(text)\n\(output.errorText)")
            #expect(try await Harness.registryTags(repository) == ["latest"])
            #expect(try await Harness.leftoverContainers().isEmpty)
        }

        @Test func aSrcLayoutProjectTheEngineCannotSeePassesAndIsPublished() async throws {
            try await Harness.requireEngine()
            try await Harness.requireRegistry(Harness.plainRegistry)
            let project = try FakeRepository("workflows-it-remote-src", files: SampleProjects.srcLayout)
            defer { project.delete() }
            try await Harness.sh("git", ["init", "--quiet", "--initial-branch=main"], in: project.root)
            try await Harness.sh("git", ["add", "."], in: project.root)
            try await Harness.commit("src layout", in: project.root)
            let mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent(Harness.uniqueName("workflows-it-remote"))
            try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: mountPoint) }
            let image = Harness.uniqueName("workflows-it-remote-src") + ":latest"
            let repository = "\(Harness.plainRegistry)/\(Harness.uniqueName("remote"))/inventory"
            let output = try await inPrivateNamespace(project.root, at: mountPoint, """
                echo "mounted: $(docker run --rm -v "$PWD:/x" python:3.11-slim ls -A /x | wc -l)"
                '\(try Harness.binary().path)' quality_pipeline publish_image --image \(image) --publish-repository \(repository)
                echo "status: $?"
                """)
            await Harness.removeImage(image)
            #expect(output.outputText.contains("mounted: 0"), "the engine saw the private checkout: \(output.outputText)")
            #expect(output.outputText.contains("status: 0"), "\(output.outputText)\n\(output.errorText)")
            #expect(try await Harness.registryTags(repository) == ["latest"])
        }

        @Test func dockerHostAndDockerContextReachTheCLIUntouched() async throws {
            try await Harness.requireEngine()
            let context = Harness.uniqueName("workflows-it-context")
            try await Harness.docker("context", "create", context, "--docker", "host=unix:///var/run/docker.sock")
            defer { Task { _ = try? await Harness.runner.run(Command("docker", ["context", "rm", "--force", context])) } }
            let folder = try await Harness.appCopy()
            defer { try? FileManager.default.removeItem(at: folder) }
            let image = Harness.uniqueName("workflows-it-context") + ":latest"
            let viaContext = try await Harness.workflows(
                ["build_dev_image", "--image", image], in: folder, environment: ["DOCKER_CONTEXT": context])
            await Harness.removeImage(image)
            #expect(viaContext.status == 0, "\(viaContext.all)")
            let missing = try await Harness.workflows(
                ["build_dev_image", "--image", image], in: folder, environment: ["DOCKER_HOST": "unix:///nonexistent/docker.sock"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("/nonexistent/docker.sock"), "the CLI got DOCKER_HOST as it was: \(missing.stderr)")
        }
    }
}
