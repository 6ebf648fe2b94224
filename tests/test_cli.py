"""The `tandem` command as an operator uses it: no server, no prompts, clear errors."""

from __future__ import annotations

import re


def test_init_creates_an_admin_once_and_is_safe_to_rerun(cli):
    code, out = cli("init", "--admin-email", "it@example.com")
    assert code == 0 and "it@example.com" in out
    password = re.search(r"shown once\): (\S+)", out)
    assert password and len(password.group(1)) >= 10
    code, out = cli("init")
    assert code == 0 and "already set up" in out


def test_users_add_list_set_role_and_token(cli):
    cli("init", "--admin-password", "a-strong-password")
    code, out = cli("users", "add", "maya@example.com", "--name", "Maya Chen", "--side", "marketing", "--role", "lead",
                    "--password", "lead-password-1")
    assert code == 0 and "@maya.chen" in out
    code, out = cli("users", "list")
    assert "Maya Chen" in out and "marketing" in out
    code, out = cli("users", "set-role", "@maya.chen", "member")
    assert code == 0 and "marketing / member" in out
    code, out = cli("users", "token", "maya@example.com", "--name", "bi")
    assert code == 0 and re.search(r"tdm_\S{20,}", out)


def test_errors_are_one_clear_line_and_a_nonzero_exit(cli):
    cli("init")
    code, out = cli("users", "add", "not-an-email", "--name", "X", "--side", "marketing")
    assert code == 1 and "Error (email)" in out and "Traceback" not in out
    code, out = cli("users", "set-role", "ghost@example.com", "lead")
    assert code == 1 and "No person" in out


def test_agenda_commands_act_as_the_local_operator(cli):
    cli("init")
    cli("users", "add", "m@example.com", "--name", "Mia Park", "--side", "marketing", "--password", "mia-password-1")
    cli("users", "add", "t@example.com", "--name", "Tom Hale", "--side", "technology", "--password", "tom-password-1")
    code, out = cli("agenda", "add-task", "Map CRM fields", "-a", "@mia.park", "-r", "@tom.hale", "--due", "2030-01-31")
    assert code == 0 and "Created task #1" in out
    code, out = cli("agenda", "add-task", "No accountable", "-a", "@mia.park", "-r", "@nobody")
    assert code == 1 and "No person" in out
    code, out = cli("agenda", "status", "1", "doing")
    assert code == 0 and "doing" in out
    code, out = cli("agenda", "tasks")
    assert "Map CRM fields" in out and "Mia Park" in out


def test_demo_builds_once_and_twice_changes_nothing(cli):
    code, out = cli("demo", "--no-serve")
    assert code == 0 and "maya.chen@northwind.example" in out
    code, out2 = cli("agenda", "tasks")
    first = re.search(r"(\d+) task\(s\)", out2).group(1)
    assert int(first) >= 40
    code, _ = cli("demo", "--no-serve")
    assert code == 0
    _, out3 = cli("agenda", "tasks")
    assert re.search(r"(\d+) task\(s\)", out3).group(1) == first
    _, decisions = cli("agenda", "decisions")
    assert "steering committee" in decisions
