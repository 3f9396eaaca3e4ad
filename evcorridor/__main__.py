from evcorridor.cli import main

main()
