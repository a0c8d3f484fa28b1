import Testing

@testable import WorkflowsKit

@Suite struct ImageReferenceTests {
    // MARK: isValid (repository with an optional tag)

    @Test(arguments: [
        "numbers-api", "numbers-api:latest", "owner/app:v1.2.3", "ghcr.io/owner/app:1.2",
        "127.0.0.1:45000/owner/app:ci", "localhost/app", "localhost:5000/app:x",
        "registry.example.com/a/b/c", "my_app", "my__app", "my--app", "a.b/c", "ghcr.io/o/r:Tag_1.0-rc",
    ])
    func acceptsValidReferences(reference: String) {
        #expect(ImageReference.isValid(reference))
    }

    @Test(arguments: [
        "", "Numbers-API", "ghcr.io/Owner/App", "numbers api", "app:", ":tag", "app:.tag", "app:-tag",
        "app:bad+tag", "-app", "app-", "app/", "/app", "app//x", "app;touch x", "app:latest:extra",
        "app:" + String(repeating: "t", count: 129), "app@sha256", "app_", "app._x",
    ])
    func rejectsInvalidReferences(reference: String) {
        #expect(!ImageReference.isValid(reference))
    }

    @Test func acceptsATagOfExactly128Characters() {
        #expect(ImageReference.isValid("app:" + String(repeating: "t", count: 128)))
    }

    /// A trailing newline is not part of any reference: Go's `$` (distribution/reference) matches only at the
    /// very end, while ICU's `$` also matches before a final line terminator.
    @Test func rejectsATrailingNewline() {
        #expect(!ImageReference.isValid("numbers-api:latest\n"))
        #expect(!ImageReference.isValidRepository("ghcr.io/o/r\n"))
        #expect(!ImageReference.isValidTag("v1.2.3\n"))
    }

    // MARK: isValidRepository (no tag)

    @Test(arguments: ["ghcr.io/o/r", "127.0.0.1:45000/o/r", "owner/app", "localhost/app", "app", "GHCR.IO/o/r"])
    func acceptsValidRepositories(repository: String) {
        #expect(ImageReference.isValidRepository(repository))
    }

    @Test(arguments: ["ghcr.io/o/r:latest", "app:1.0", "ghcr.io/O/r", "owner/App", "", "ghcr.io/o/r/"])
    func rejectsRepositoriesWithATagOrUpperCase(repository: String) {
        #expect(!ImageReference.isValidRepository(repository))
    }

    // MARK: isValidTag

    @Test(arguments: ["latest", "v1.2.3", "1.2.3-rc.1", "_private", "A_b.C-d", String(repeating: "x", count: 128)])
    func acceptsValidTags(tag: String) {
        #expect(ImageReference.isValidTag(tag))
    }

    @Test(arguments: [
        "", ".hidden", "-dash", "bad+tag", "has space", "a/b", "a:b", "é", String(repeating: "x", count: 129),
    ])
    func rejectsInvalidTags(tag: String) {
        #expect(!ImageReference.isValidTag(tag))
    }

    // MARK: registry(of:)

    @Test(arguments: [
        ("ghcr.io/o/r", "ghcr.io"),
        ("127.0.0.1:45000/o/r", "127.0.0.1:45000"),
        ("owner/app", "docker.io"),
        ("localhost/app", "localhost"),
        ("localhost:5000/app", "localhost:5000"),
        ("app", "docker.io"),
        ("registry.example.com:443/team/app", "registry.example.com:443"),
        ("library/ubuntu", "docker.io"),
    ])
    func namesTheRegistry(repository: String, registry: String) {
        #expect(ImageReference.registry(of: repository) == registry)
    }
}
