print("haetae-sim")
