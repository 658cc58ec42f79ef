import SimulatorCLI

await HaetaeSim.start()
