from mockloop.cli.app import run

run()
