import Foundation
import TestSupport
import Testing

@testable import WorkflowsKit

extension EngineTests.ProjectShapes {
    /// Test requirements that pin the installer (`pip==26.0.1`, `wheel`) as a public service's do: the
    /// tools' install leaves them out (and the image's own pip and setuptools out of its constraints)
    /// instead of failing on "Cannot install pip==26.0.1 … constraint pip==23.0.1".
    @Test func testRequirementsThatPinTheInstallerPass() async throws {
        let files = try SampleProjects.folder("pip-pin")
        let shown = try FakeRepository("workflows-it-pippin-show", files: files)
        defer { shown.delete() }
        let show = try await Harness.workflows(["show_project"], in: shown.root)
        #expect(show.status == 0, "\(show.all)")
        #expect(show.stdout.contains(
            "Left out of the tools' install (installers, not gate dependencies): pip==26.0.1 (requirements-test.txt:2), "
                + "wheel==0.45.1 (requirements-test.txt:3)"), "\(show.stdout)")
        try await passThenBreak(
            files, name: "pippin", gates: ["flake8", "pytest"],
            change: { repository in
                let module = try repository.read("notes/server.py")
                try repository.write("notes/server.py", module.replacingOccurrences(
                    of: "NOTES = [", with: "UNUSED = \"" + String(repeating: "x", count: 110) + "\"\nNOTES = ["))
            }, broken: "flake8", evidence: "E501 line too long")
    }
}
