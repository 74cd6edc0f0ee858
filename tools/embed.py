#!/usr/bin/env python3
"""Embeds a text file as a NUL-terminated C char array:
embed.py NAME INPUT OUTPUT. (An array, not a string literal, because ISO C
limits string literals to 4095 characters.)"""
import sys

name, src, out = sys.argv[1:4]
with open(src, "rb") as f:
    data = f.read() + b"\0"
with open(out, "w", encoding="ascii") as f:
    f.write("/* Generated from %s by tools/embed.py. */\n" % src.split("/")[-1])
    f.write("extern const char %s[];\n" % name)
    f.write("const char %s[] = {\n" % name)
    for i in range(0, len(data), 12):
        f.write("\t" + ", ".join("'\\x%02x'" % b for b in data[i:i + 12]) + ",\n")
    f.write("};\n")
