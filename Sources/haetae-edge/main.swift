import EdgeCLI

await HaetaeEdge.start()
