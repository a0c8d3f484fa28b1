import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

extension Harness {
    /// Whether the engine the tests use builds with BuildKit, by the tool's own rule (`Builder.detect`, with
    /// what the CLI answers). scripts/test.sh runs these suites on both builders.
    static func buildsWithBuildKit() async throws -> Bool {
        let buildx = try await runner.run(Command("docker", ["buildx", "version"])).succeeded
        let version = try await runner.run(Command("docker", ["--version"])).outputText
        let server = try await runner.run(Command("docker", ["version", "--format", "{{.Server.Version}}"])).outputText
        return Builder.detect(
            podman: false, buildxAnswers: buildx, clientMajor: Builder.major(ofVersion: version),
            serverMajor: Int(server.trimmingCharacters(in: .whitespacesAndNewlines).prefix { $0.isNumber }),
            environment: environment) == .buildKit
    }

    /// The image IDs a build printed as made: the legacy builder's ` ---> ID` after each step that is not a
    /// `FROM` and did not come from the cache, BuildKit's `writing image sha256:ID`.
    static func imagesMade(by output: String) -> [String] {
        var made: [String] = []
        var step = ""
        var cached = false
        for line in output.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("Step "), let colon = line.range(of: " : ") {
                step = String(line[colon.upperBound...].prefix { $0 != " " }).uppercased()
                cached = false
            } else if line == "---> Using cache" {
                cached = true
            } else if line.range(of: #"^---> [0-9a-f]{12}$"#, options: .regularExpression) != nil {
                if step != "FROM", !cached { made.append(String(line.dropFirst(5))) }
            } else if let range = line.range(of: #"writing image sha256:[0-9a-f]{64}"#, options: .regularExpression) {
                made.append(String(line[range].dropFirst("writing image sha256:".count).prefix(12)))
            }
        }
        return made
    }
}

extension EngineTests {
    /// What users' Dockerfiles ask of a build: build arguments, a target stage, a platform, build secrets
    /// and cache mounts (a uv project built as uv's guide builds it), on both builders; and what builds
    /// leave behind.
    @Suite struct Builds {
        let shapes = ProjectShapes()

        @Test func aUvProjectWithASecretATargetAndCacheMountsPassesOnBuildKitAndStopsBeforeTheLegacyBuild() async throws {
            let (repository, image) = try await shapes.project(try SampleProjects.folder("uv-buildkit"), name: "uvbk")
            defer { repository.delete() }
            let token = "index-token-" + UUID().uuidString.lowercased()
            let environment = ["INDEX_TOKEN": token]
            let shown = try await Harness.workflows(["show_project"], in: repository.root, environment: environment)
            #expect(shown.status == 0, "\(shown.all)")
            let rows = shown.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
            for row in [
                "build.args UV_VERSION=0.13.9 pyproject.toml:34", "build.target runtime pyproject.toml:35",
                "build.platform linux/amd64 pyproject.toml:36", "build.secrets index_token (env INDEX_TOKEN) pyproject.toml:38",
            ] {
                #expect(rows.contains(row), "\(row) in \(shown.stdout)")
            }

            guard try await Harness.buildsWithBuildKit() else {
                let run = try await Harness.workflows(["quality_pipeline", "--image", image], in: repository.root, environment: environment)
                #expect(run.status == 1, "\(run.all)")
                #expect(run.stderr.contains("BuildKit"), "\(run.stderr)")
                #expect(run.stderr.contains("build.secrets") && run.stderr.contains("index_token"), "\(run.stderr)")
                #expect(!run.stdout.contains("==>> docker build"), "it stopped before the build: \(run.stdout)")
                #expect(try await Harness.docker("image", "ls", "--quiet", image).isEmpty)
                return
            }
            let reports = FileManager.default.temporaryDirectory.appendingPathComponent(Harness.uniqueName("workflows-it-reports"))
            defer { try? FileManager.default.removeItem(at: reports) }
            let passed = try await Harness.workflows(
                ["quality_pipeline", "--image", image], in: repository.root,
                environment: environment.merging(["WORKFLOWS_REPORT_DIR": reports.path]) { $1 })
            defer { Task { await Harness.removeImage(image) } }
            #expect(passed.status == 0, "\(passed.all)")
            #expect(shapes.gateVerdicts(passed) == ["ruff passed", "pytest passed"], "\(passed.stdout)")
            #expect(passed.stdout.contains("is healthy after"))
            #expect(passed.stdout.contains("--secret id=index_token,env=INDEX_TOKEN"), "the secret goes by name: \(passed.stdout)")
            // The target stage was built, and labelled: not the `dev` stage after it.
            let commit = try await Harness.sh("git", ["rev-parse", "HEAD"], in: repository.root)
            #expect(try await Harness.docker("image", "inspect", "--format", "{{index .Config.Labels \"commit\"}}", image) == commit)
            let uv = try await Harness.runner.run(Command("docker", ["run", "--rm", image, "test", "-e", "/opt/uv"]))
            #expect(!uv.succeeded, "the stage after the target was built")
            // The secret's value is nowhere: not in the history, the image's files, the labels, the output, the reports.
            let history = try await Harness.docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", image)
            #expect(!history.isEmpty && !history.contains(token), "\(history)")
            #expect(passed.stdout.contains("--build-arg UV_VERSION=0.13.9"), "\(passed.stdout)")
            let found = try await Harness.docker(
                "run", "--rm", "--user", "0", image, "sh", "-c",
                "grep -rlF -e \"$0\" / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev 2>/dev/null; true", token)
            #expect(found.isEmpty, "the token is in the image's files: \(found)")
            #expect(!(try await Harness.docker("image", "inspect", "--format", "{{json .Config}}", image)).contains(token))
            #expect(!passed.all.contains(token))
            for report in (try? FileManager.default.contentsOfDirectory(atPath: reports.path)) ?? [] {
                let text = (try? String(contentsOf: reports.appendingPathComponent(report), encoding: .utf8)) ?? ""
                #expect(!text.contains(token), "\(report) holds the token")
            }
            try await shapes.expectNothingLeft(by: passed)

            let module = try repository.read("src/signed_links/links.py")
            try repository.write("src/signed_links/links.py", module.replacingOccurrences(of: "import os\n", with: "import os\nimport sys\n"))
            let failed = try await Harness.workflows(
                ["build_dev_image", "assess_image_code", "--image", image], in: repository.root, environment: environment)
            #expect(failed.status == 1, "\(failed.all)")
            #expect(shapes.gateVerdicts(failed) == ["ruff FAILED", "pytest passed"], "\(failed.stdout)")
            #expect(failed.stdout.contains("F401"))
            try await shapes.expectNothingLeft(by: failed)
        }

        /// A multi-stage build leaves its builder stage's image on the legacy builder, and a failed build its
        /// last layers; neither carries a label. The run removes them itself.
        @Test func afterAMultiStageBuildAndAFailedBuildCleanImagesLeavesNoImageTheRunMade() async throws {
            let files = [
                "Dockerfile": """
                    FROM python:3.11-slim AS build
                    RUN mkdir /out && echo built > /out/artifact
                    FROM python:3.11-slim
                    COPY --from=build /out /out
                    CMD ["python3", "-c", "print(open('/out/artifact').read())"]

                    """,
                "pyproject.toml": "[project]\nname = \"stages\"\nversion = \"0.1.0\"\n",
            ]
            let (repository, image) = try await shapes.project(files, name: "stages")
            defer { repository.delete() }
            let built = try await Harness.workflows(["build_ci_image", "--image", image], in: repository.root)
            #expect(built.status == 0, "\(built.all)")
            try repository.write("Dockerfile", files["Dockerfile", default: ""] + "RUN echo half-way > /half && exit 3\n")
            let failed = try await Harness.workflows(["build_ci_image", "--image", image], in: repository.root)
            #expect(failed.status == 1, "\(failed.all)")
            let clean = try await Harness.workflows(["clean", "--images", "--image", image], in: repository.root)
            #expect(clean.status == 0, "\(clean.all)")
            let made = Harness.imagesMade(by: built.all) + Harness.imagesMade(by: failed.all)
            #expect(!made.isEmpty, "the builds printed no image they made: \(built.all)")
            // What stays is the image and the layers it is made of; then it goes, and so must everything.
            let kept = Set(try await Harness.docker("history", "--quiet", image).split(separator: "\n").map(String.init))
            await Harness.removeImage(image)
            var left: [String] = []
            for id in made {
                if try await Harness.runner.run(Command("docker", ["image", "inspect", id])).succeeded { left.append(id) }
            }
            #expect(left.isEmpty, "left: \(left); the image held \(kept)\n\(built.all)\n\(failed.all)")
        }
    }
}
