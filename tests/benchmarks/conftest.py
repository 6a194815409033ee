"""Options for `./cairn bench`."""


def pytest_addoption(parser):
    parser.addoption(
        "--schools",
        type=int,
        default=None,
        help="How many school schemas a benchmark builds (migrations: default 1,000; API: default 20).",
    )
