import Testing

@testable import WorkflowsKit

@Suite struct TagRulesTests {
    let defaults = Settings.defaultLatestBranches

    func plan(
        branch: String?, tag: String? = nil, latest: [String]? = nil, known: [String] = []
    ) throws -> TagRules.Plan {
        try TagRules.plan(branch: branch, tag: tag, latestBranches: latest ?? defaults, knownTags: known)
    }

    // MARK: Branches

    @Test(arguments: ["main", "master"])
    func aDefaultLatestBranchGetsLatestOnly(branch: String) throws {
        let plan = try plan(branch: branch)
        #expect(plan.tags == ["latest"])
        #expect(plan.reason.contains(branch))
    }

    @Test func aCustomLatestBranchListReplacesTheDefaults() throws {
        #expect(try plan(branch: "release", latest: ["release"]).tags == ["latest"])
        #expect(try plan(branch: "main", latest: ["release"]).tags.isEmpty)
    }

    @Test func aFeatureBranchWithoutTagPublishesNothingAndSaysWhy() throws {
        let plan = try plan(branch: "feature/login")
        #expect(plan.tags.isEmpty)
        #expect(plan.reason.contains("feature/login"))
        #expect(plan.reason.contains("main, master"))
    }

    @Test func aDetachedHeadWithoutTagPublishesNothing() throws {
        let plan = try plan(branch: nil)
        #expect(plan.tags.isEmpty)
        #expect(plan.reason.contains("detached"))
    }

    // MARK: Tags

    @Test func aStableVTagOnMainGetsEveryVersionAndLatest() throws {
        let plan = try plan(branch: "main", tag: "v1.2.3", known: ["v1.0.0", "v1.2.3"])
        #expect(Set(plan.tags) == ["v1.2.3", "1.2.3", "1.2", "1", "latest"])
        #expect(plan.tags.count == 5)
        #expect(plan.tags.first == "v1.2.3")
    }

    @Test func aStableTagWithoutVHasNoDuplicates() throws {
        let plan = try plan(branch: "main", tag: "1.2.3", known: ["1.2.3"])
        #expect(plan.tags.count == Set(plan.tags).count)
        #expect(Set(plan.tags) == ["1.2.3", "1.2", "1", "latest"])
    }

    @Test func aPreReleaseGetsOnlyItsOwnVersionNeverLatest() throws {
        let plan = try plan(branch: "main", tag: "v1.2.3-rc.1", known: ["v1.2.2", "v1.2.3-rc.1"])
        #expect(Set(plan.tags) == ["v1.2.3-rc.1", "1.2.3-rc.1"])
        #expect(plan.tags.count == 2)
        #expect(!plan.tags.contains("latest"))
    }

    @Test func aNonSemverTagOnAFeatureBranchIsPublishedAsItIs() throws {
        #expect(try plan(branch: "feature/x", tag: "nightly").tags == ["nightly"])
    }

    @Test func aNonSemverTagOnMainAlsoMovesLatest() throws {
        #expect(try plan(branch: "main", tag: "nightly").tags == ["nightly", "latest"])
    }

    @Test(arguments: ["bad+tag", ".hidden", "-dash", "has space", String(repeating: "a", count: 129)])
    func anInvalidDockerTagIsAnInputError(tag: String) throws {
        let error = try #require(throws: WorkflowsError.self) {
            try plan(branch: "main", tag: tag)
        }
        #expect(error.kind == .input)
        #expect(error.message.contains("not a valid Docker tag"))
    }

    @Test func aTagOf128CharactersIsStillValid() throws {
        let tag = String(repeating: "a", count: 128)
        #expect(try plan(branch: "feature/x", tag: tag).tags == [tag])
    }

    @Test func aDetachedHeadOnTheNewestStableTagMovesLatest() throws {
        let plan = try plan(branch: nil, tag: "v2.0.0", known: ["v1.0.0", "v2.0.0"])
        #expect(plan.tags.contains("latest"))
        #expect(Set(plan.tags) == ["v2.0.0", "2.0.0", "2.0", "2", "latest"])
    }

    @Test func anOlderReleaseNeverMovesLatestEvenOnMain() throws {
        let plan = try plan(branch: "main", tag: "v1.2.4", known: ["v1.2.3", "v1.2.4", "v2.0.0"])
        #expect(!plan.tags.contains("latest"))
        #expect(Set(plan.tags) == ["v1.2.4", "1.2.4", "1.2", "1"])
        #expect(plan.reason.contains("2.0.0"))
    }

    @Test func aNewerPreReleaseDoesNotHoldBackLatest() throws {
        let plan = try plan(branch: nil, tag: "v1.2.4", known: ["v1.2.4", "v2.0.0-rc.1"])
        #expect(plan.tags.contains("latest"))
    }

    // MARK: SemanticVersion

    @Test func parsesAVersionWithOrWithoutV() throws {
        let version = try #require(TagRules.SemanticVersion("v10.20.30"))
        #expect(version.major == 10 && version.minor == 20 && version.patch == 30)
        #expect(version.preRelease == nil)
        #expect(version.core == "10.20.30")
        #expect(TagRules.SemanticVersion("10.20.30") == version)
    }

    @Test func parsesAPreRelease() throws {
        let version = try #require(TagRules.SemanticVersion("v1.0.0-beta.2"))
        #expect(version.preRelease == "beta.2")
        #expect(version.full == "1.0.0-beta.2")
        #expect(version.core == "1.0.0")
    }

    @Test(arguments: ["1.2", "v1", "01.2.3", "1.02.3", "1.2.3.4", "x1.2.3", "V1.2.3", "1.2.3-", "nightly", ""])
    func rejectsWhatIsNotSemver(text: String) {
        #expect(TagRules.SemanticVersion(text) == nil)
    }

    func v(_ text: String) throws -> TagRules.SemanticVersion {
        try #require(TagRules.SemanticVersion(text))
    }

    @Test func comparesNumericallyNotTextually() throws {
        #expect(try v("1.9.0") < v("1.10.0"))
        #expect(try v("1.2.3") < v("1.2.4"))
        #expect(try v("1.99.99") < v("2.0.0"))
        #expect(try !(v("2.0.0") < v("1.99.99")))
        #expect(try [v("1.0.0"), v("10.0.0"), v("9.1.0")].max() == v("10.0.0"))
    }

    /// SemVer §11: a pre-release has lower precedence than its release; Comparable demands that exactly one
    /// of <, == and > holds for two values.
    @Test func aPreReleaseSortsBeforeItsRelease() throws {
        let rc = try v("1.2.3-rc.1")
        let release = try v("1.2.3")
        #expect(rc != release)
        #expect(rc < release)
        #expect(!(release < rc))
    }
}
