"""Agenda: the joint vision, each side's priorities, the shared to-do list with RACI, cycles, decisions."""
