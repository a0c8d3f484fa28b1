import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

/// `.dockerignore` as Docker reads it, and the warning for a secret's file that the build context would carry.
@Suite struct DockerIgnoreTests {
    @Test func patternsExcludeAFileOrTheFolderItLiesInTheLastMatchingLineWins() {
        let ignore = DockerIgnore("""
            # comment
            .venv
            /secrets/
            **/*.key
            build/*
            !build/keep.txt
            tok?n.txt

            """)
        #expect(ignore.excludes("secrets/token.txt"), "a folder's pattern leaves out what it holds")
        #expect(ignore.excludes(".venv/bin/python"))
        #expect(ignore.excludes("a/b/c.key") && ignore.excludes("c.key"), "** spans any folders, none too")
        #expect(ignore.excludes("build/out.bin") && !ignore.excludes("build/keep.txt"), "an exception after wins")
        #expect(ignore.excludes("token.txt") && !ignore.excludes("tokens.txt"), "? is one character")
        #expect(!ignore.excludes("src/secrets/token.txt"), "patterns are anchored at the context")
        #expect(!ignore.excludes("a/c.keys"))
        #expect(!DockerIgnore("").excludes("secrets/token.txt"))
        #expect(DockerIgnore("*.txt").excludes("token.txt") && !DockerIgnore("*.txt").excludes("sub/token.txt"), "* stays in one segment")
        #expect(DockerIgnore("se[a-c]rets").excludes("secrets/x") && !DockerIgnore("se[^c]rets").excludes("secrets/x"))
    }

    @Test func aSecretFileInTheContextThatNoDockerignoreLeavesOutIsWarnedOf() throws {
        let repository = try FakeRepository("workflows-unit-ignore", files: [
            "Dockerfile": "FROM python:3.11-slim\nCOPY . /app\n", "secrets/token.txt": "token-value\n", "other.key": "k\n",
        ])
        defer { try? FileManager.default.removeItem(at: repository.root) }
        var project = Project.numbersAPI
        project.root = repository.root
        project.dockerfile = "Dockerfile"
        project.context = "."
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("workflows-unit-outside.key").path
        let secrets = [
            BuildSecret("token", .file(repository.root.appendingPathComponent("secrets/token.txt").path)),
            BuildSecret("key", .file(repository.root.appendingPathComponent("other.key").path)),
            BuildSecret("outside", .file(outside)), BuildSecret("env", .environment("TOKEN")),
        ]
        let warnings = BuildImage.secretFilesSentToTheBuilder(secrets, project: project)
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.first?.contains("build.secrets.token (secrets/token.txt) is in the build context") == true, "\(warnings)")
        #expect(warnings.first?.contains("Add 'secrets/token.txt' to .dockerignore") == true)
        try repository.write(".dockerignore", "secrets\n*.key\n")
        #expect(BuildImage.secretFilesSentToTheBuilder(secrets, project: project).isEmpty)
        // BuildKit reads the Dockerfile's own ignore file first, and then not the context's.
        try repository.write("Dockerfile.dockerignore", "secrets\n")
        #expect(BuildImage.secretFilesSentToTheBuilder(secrets, project: project).count == 1)
    }
}
