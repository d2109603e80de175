// Run by the Maven invoker after the build: a green build that ran no test is a failure.
def reports = new File(basedir, 'target/surefire-reports').listFiles()?.findAll { it.name ==~ /TEST-.*\.xml/ } ?: []
def count = { f -> ((f.text =~ /<testsuite[^>]*\stests="(\d+)"/)[0][1]) as int }
def total = reports.sum(0) { count(it) }
def kit = reports.find { it.name == 'TEST-com.example.halfway.HalfwayUnlearnerTest.xml' }
assert kit != null : 'no report for HalfwayUnlearnerTest'
// 9 conformance tests inherited from the kit + 2 of the plugin's own.
assert count(kit) >= 11 : "HalfwayUnlearnerTest ran ${count(kit)} tests, expected >= 11 (the kit's 9 + 2)"
println "plugin example: Tests run ${total} (HalfwayUnlearnerTest ${count(kit)})"
return true
