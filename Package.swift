// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "workflows",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "workflows", targets: ["workflows"]),
        .executable(name: "toml-decoder", targets: ["toml-decoder"]),
    ],
    targets: [
        .target(name: "WorkflowsKit"),
        .executableTarget(name: "workflows", dependencies: ["WorkflowsKit"]),
        .target(name: "TOML"),
        .executableTarget(name: "toml-decoder", dependencies: ["TOML"]),
        .testTarget(
            name: "WorkflowsKitTests",
            dependencies: ["WorkflowsKit"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["WorkflowsKit", "workflows"]
        ),
        .testTarget(name: "TOMLTests", dependencies: ["TOML"]),
    ]
)
