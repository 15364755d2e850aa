# Reference for the gem scheme: RubyGems' Gem::Version (Debian ruby).
# Reads "A<TAB>B" lines from ARGV[0], prints -1, 0, 1, or x when a side is not a version.
require "rubygems"
out = File.readlines(ARGV[0], chomp: true).map do |line|
  a, b = line.split("\t", 2)
  begin
    (Gem::Version.new(a) <=> Gem::Version.new(b)).to_s
  rescue ArgumentError
    "x"
  end
end
puts out
