from tests.fuzz.strategies import CASES


def pytest_terminal_summary(terminalreporter):
    if CASES:
        terminalreporter.section("fuzz cases")
        for name, number in sorted(CASES.items()):
            terminalreporter.write_line(f"{name}: {number} generated cases")
        terminalreporter.write_line(f"fuzz total: {sum(CASES.values())} generated cases")
