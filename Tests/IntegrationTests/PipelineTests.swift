import Foundation
import Testing

@testable import WorkflowsKit

extension EngineTests {
    @Suite struct Pipeline {
        @Test func qualityPipelinePassesOnTheEmbeddedAppAndLabelsTheImage() async throws {
            let app = try await PassedApp.shared.get()
            #expect(app.run.status == 0, "\(app.run.all)")
            for gate in ["black", "isort", "flake8", "mypy", "pytest"] {
                #expect(app.run.stdout.range(
                    of: "  \(gate) +passed", options: .regularExpression) != nil, "gate \(gate) not reported passed")
            }
            #expect(app.run.stdout.contains("is healthy after"))
            let imageID = try await Harness.docker("image", "inspect", "--format", "{{.Id}}", app.image)
            #expect(Set(try await Harness.registryTags(app.repository)) == ["v0.1.0", "0.1.0", "0.1", "0", "latest"],
                    "quality_pipeline publish_image in one call did not publish what passed")
            #expect(try await Harness.registryConfigDigest(app.repository, tag: "latest") == imageID)
            #expect(app.run.stdout.range(of: "assess_image_health +passed", options: .regularExpression) != nil)

            let commit = try await Harness.sh("git", ["rev-parse", "HEAD"], in: app.folder)
            let labelsJSON = try await Harness.docker("image", "inspect", "--format", "{{json .Config.Labels}}", app.image)
            let labels = try JSONDecoder().decode([String: String].self, from: Data(labelsJSON.utf8))
            #expect(labels["commit"] == commit)
            #expect(labels["branch"] == "main")
            #expect(labels["version"] == "v0.1.0")
            #expect(labels["org.opencontainers.image.revision"] == commit)
            #expect(labels["org.opencontainers.image.version"] == "v0.1.0")
            let created = try #require(labels["org.opencontainers.image.created"])
            #expect(ISO8601DateFormatter().date(from: created) != nil, "created \(created) is not RFC 3339")
            #expect(try await Harness.leftoverContainers().isEmpty)
            #expect(try await Harness.leftovers(of: app.run).isEmpty, "the gates' temporary image was left behind")
        }

        @Test func theImageRunsAsItsOwnUserWithoutTheGatesTools() async throws {
            let app = try await PassedApp.shared.get()
            let user = try await Harness.docker("run", "--rm", app.image, "id", "-u")
            #expect(user != "0")
            let probe = "import importlib.util as u; print([m for m in ('pytest','black','isort','flake8','mypy') if u.find_spec(m)])"
            #expect(try await Harness.docker("run", "--rm", app.image, "python", "-c", probe) == "[]")
        }

        @Test func aFailingGateFailsTheStepAndIsNamed() async throws {
            try await Harness.requireEngine()
            let folder = try await Harness.appCopy()
            let module = folder.appendingPathComponent("app/thenumbers/numbers.py")
            let source = try String(contentsOf: module, encoding: .utf8)
            try Data(source.replacingOccurrences(of: "import random\n", with: "import os\nimport random\n").utf8)
                .write(to: module)
            let image = Harness.uniqueName("workflows-it-broken") + ":latest"
            let run = try await Harness.workflows(["build_dev_image", "assess_image_code", "--image", image], in: folder)
            await Harness.removeImage(image)
            #expect(run.status == 1, "\(run.all)")
            #expect(run.stdout.range(of: "  flake8 +FAILED", options: .regularExpression) != nil)
            #expect(run.stdout.range(of: "  pytest +passed", options: .regularExpression) != nil, "later gates still ran")
            #expect(run.stderr.contains("Quality gates failed inside \(image): flake8."))
            #expect(run.stdout.contains("F401 'os' imported but unused"))
            #expect(try await Harness.leftoverContainers().isEmpty)
        }

        @Test func shellTextAsAStepIsAUsageErrorAndRunsNothing() async throws {
            let folder = try await Harness.appCopy()
            let run = try await Harness.workflows(["build_ci_image; touch x"], in: folder)
            #expect(run.status == 64)
            #expect(run.stderr.contains("unknown step 'build_ci_image; touch x'"))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x").path))
            // Every command that changes something is echoed with ==>>; the engine's own image list cannot
            // tell, since the other test processes build images on it meanwhile.
            #expect(!run.all.contains("==>>"), "an engine command ran: \(run.all)")
        }

        @Test func helpIsOnStdoutAndExitsZero() async throws {
            let run = try await Harness.workflows(["--help"], in: Harness.repositoryRoot)
            #expect(run.status == 0)
            #expect(run.stdout.contains("quality_pipeline") && run.stderr.isEmpty)
            let none = try await Harness.workflows([], in: Harness.repositoryRoot)
            #expect(none.status == 64)
            #expect(none.stderr.contains("Usage: workflows"))
        }
    }
}

extension EngineTests.Pipeline {
    @Test func aMissingDockerCLIIsOneReadableParagraph() async throws {
        let folder = try await Harness.appCopy()
        let run = try await Harness.workflows(
            ["build_ci_image"], in: folder, environment: ["WORKFLOWS_DOCKER": "/nonexistent/docker"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("Cannot run the container CLI"))
        #expect(run.stderr.contains("WORKFLOWS_DOCKER"))
        #expect(!run.stderr.contains("Fatal error"))
    }

    @Test func anEngineThatDoesNotAnswerSaysHowToStartOne() async throws {
        let folder = try await Harness.appCopy()
        let run = try await Harness.workflows(
            ["build_ci_image"], in: folder, environment: ["DOCKER_HOST": "unix:///nonexistent/docker.sock"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("The engine behind docker does not answer"))
        #expect(run.stderr.contains("DOCKER_HOST"))
    }
}
