# The two commands a newcomer needs (see README.md). Both set everything up first.
.PHONY: demo test setup eval bench fixtures constraints

demo:
	@scripts/setup.sh demo
	scripts/demo.sh

# Two workers: the tests that play and record in real time run beside the decoding ones.
test:
	@scripts/setup.sh test
	.venv/bin/python -m pytest -q -n 2 --dist loadgroup

setup:
	@scripts/setup.sh test

eval:
	@scripts/setup.sh demo
	.venv/bin/python -m mockloop.analysis.eval --baseline

fixtures:
	@scripts/setup.sh demo
	.venv/bin/python audio_fixtures/build_fixtures.py

# Re-pin every Python package to the newest versions pyproject.toml allows (a throw-away venv);
# then run `make test` and commit constraints.txt. `scripts/constraints.sh --from .venv` pins a venv instead.
constraints:
	scripts/constraints.sh
