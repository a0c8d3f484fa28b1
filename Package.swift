// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "workflows",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "workflows", targets: ["workflows"])
    ],
    targets: [
        .target(name: "TOML"),
        .target(name: "WorkflowsKit", dependencies: ["TOML"]),
        .executableTarget(name: "workflows", dependencies: ["WorkflowsKit"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "WorkflowsKitTests",
            dependencies: ["WorkflowsKit", "TOML", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["WorkflowsKit", "TestSupport", "workflows"]
        ),
    ]
)
