import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// A Dockerfile that is not at the root: found through the Compose file, else as the only one in the tree.
@Suite struct DockerfileDiscoveryTests {
    func load(_ files: [String: String]) throws -> Project {
        try ProjectLoader.load(root: FakeRepository(files: files).root)
    }

    static let app = ["svc/main.py": "X = 1\n", "svc/Dockerfile": "FROM python:3.11-slim\nCOPY main.py ./\n"]

    @Test func aDockerfileAtTheRootWinsOverEverythingElse() throws {
        var files = Self.app
        files["Dockerfile"] = "FROM python:3.11-slim\n"
        files["compose.yaml"] = "services:\n  api:\n    build: ./svc\n"
        let project = try load(files)
        #expect(project.dockerfile == "Dockerfile")
        #expect(project.context == ".")
        #expect(project.origins["dockerfile"] == "convention")
    }

    @Test func composeBuildAsAContext() throws {
        var files = Self.app
        files["compose.yaml"] = "# the service\nservices:\n  api:\n    build: ./svc\n    ports: [\"8000:8000\"]\n  db:\n    image: postgres:16\n"
        let project = try load(files)
        #expect(project.dockerfile == "svc/Dockerfile")
        #expect(project.context == "svc")
        #expect(project.origins["dockerfile"] == "compose.yaml:4 (services.api.build)")
        #expect(project.origins["context"] == "compose.yaml:4 (services.api.build)")
        #expect(project.sourceRoot == "svc", "the image holds the build context")
        #expect(project.origins["source-root"] == "convention (the build context)")
        #expect(project.sources == ["main.py"])
    }

    @Test func composeBuildAsAMappingWithContextAndDockerfile() throws {
        var files = Self.app
        files["docker/Dockerfile.prod"] = "FROM python:3.11-slim\nCOPY svc /srv\n"
        files["docker-compose.yml"] = """
            version: "3.9"
            services:
              web:
                build:
                  context: .
                  dockerfile: docker/Dockerfile.prod
              worker:
                build: {context: ., dockerfile: docker/Dockerfile.prod}
            """
        let project = try load(files)
        #expect(project.dockerfile == "docker/Dockerfile.prod")
        #expect(project.context == ".")
        #expect(project.origins["dockerfile"] == "docker-compose.yml:4 (services.web.build)")
    }

    @Test func composeBuildingSeveralImagesIsAUsageErrorThatNamesTheKeys() throws {
        var files = Self.app
        files["worker/Dockerfile"] = "FROM python:3.11-slim\n"
        files["compose.yml"] = "services:\n  api:\n    build: svc\n  worker:\n    build:\n      context: worker\n"
        let error = try #require(throws: WorkflowsError.self) { try load(files) }
        #expect(error.exitCode == 64)
        #expect(error.message == "No Dockerfile at the repository's root, and compose.yml builds several images: "
            + "svc/Dockerfile (context svc, compose.yml:3 (services.api.build)), "
            + "worker/Dockerfile (context worker, compose.yml:5 (services.worker.build)).")
        #expect(error.remedy?.contains("set 'dockerfile' (and 'context'") == true)
    }

    @Test func theOnlyDockerfileInTheTreeWithItsFolderAsTheContext() throws {
        var files = Self.app
        files[".venv/lib/Dockerfile"] = "FROM x\n"
        files["node_modules/pkg/Dockerfile"] = "FROM x\n"
        files[".github/Dockerfile"] = "FROM x\n"
        let project = try load(files)
        #expect(project.dockerfile == "svc/Dockerfile")
        #expect(project.context == "svc")
        #expect(project.origins["dockerfile"] == "convention (the only Dockerfile in the repository)")
    }

    @Test func aDockerfileInAFolderThatCopiesFromTheRootIsBuiltFromTheRoot() throws {
        let project = try load([
            "app/main.py": "X = 1\n", "requirements.txt": "",
            "docker/Dockerfile": "FROM python:3.11-slim\nCOPY requirements.txt /tmp/\nCOPY --chown=app \\\n  app /srv/app\nCOPY --from=builder /x /y\n",
        ])
        #expect(project.dockerfile == "docker/Dockerfile")
        #expect(project.context == ".")
        #expect(project.sourceRoot == ".")
    }

    @Test func severalDockerfilesInTheTreeAreAUsageErrorThatListsThem() throws {
        var files = Self.app
        files["worker/Dockerfile"] = "FROM python:3.11-slim\n"
        let error = try #require(throws: WorkflowsError.self) { try load(files) }
        #expect(error.exitCode == 64)
        #expect(error.message.contains("the repository holds several Dockerfiles and none at its root: svc/Dockerfile (context svc), worker/Dockerfile (context worker)"))
        #expect(error.remedy?.contains("dockerfile = \"svc/Dockerfile\"") == true)
        var named = files
        named[".workflows.toml"] = "dockerfile = \"worker/Dockerfile\"\ncontext = \"worker\"\n"
        #expect(try load(named).dockerfile == "worker/Dockerfile", "the key settles it")
    }

    @Test func aContextSetInTheProjectFileHoldsTheDockerfile() throws {
        var files = Self.app
        files["worker/Dockerfile"] = "FROM python:3.11-slim\n"
        files[".workflows.toml"] = "context = \"svc\"\n"
        let project = try load(files)
        #expect(project.dockerfile == "svc/Dockerfile")
        #expect(project.context == "svc")
        #expect(project.origins["context"] == ".workflows.toml:1")
    }

    @Test func aComposeFileThatIsNotInTheSubsetIsAUsageErrorAtItsLine() throws {
        var files = Self.app
        files["compose.yaml"] = "x-common: &common\n  restart: always\nservices:\n  api:\n    <<: *common\n    build: svc\n"
        let error = try #require(throws: WorkflowsError.self) { try load(files) }
        #expect(error.exitCode == 64)
        #expect(error.message.hasPrefix("compose.yaml:1:11: anchors (&name) are not supported"))
    }
}
