<?xml version="1.0" encoding="utf-8" ?>
<ogr:FeatureCollection
     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
     
     xmlns:ogr="http://ogr.maptools.org/"
     xmlns:gml="http://www.opengis.net/gml">
  <gml:boundedBy>
    <gml:Box>
      <gml:coord><gml:X>141</gml:X><gml:Y>42</gml:Y></gml:coord>
      <gml:coord><gml:X>141.6</gml:X><gml:Y>42.7</gml:Y></gml:coord>
    </gml:Box>
  </gml:boundedBy>
                                                                                                                                                      
  <gml:featureMember>
    <ogr:shelters fid="shelters.0">
      <ogr:geometryProperty><gml:Polygon srsName="EPSG:4326"><gml:outerBoundaryIs><gml:LinearRing><gml:coordinates>141.5,42.6 141.6,42.6 141.6,42.7 141.5,42.6</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs><gml:innerBoundaryIs><gml:LinearRing><gml:coordinates>141.52,42.62 141.53,42.62 141.53,42.63 141.52,42.62</gml:coordinates></gml:LinearRing></gml:innerBoundaryIs></gml:Polygon></ogr:geometryProperty>
      <ogr:id>1</ogr:id>
      <ogr:name>青葉小学校</ogr:name>
      <ogr:capacity>350</ogr:capacity>
      <ogr:note>A &amp; B &lt;main&gt;</ogr:note>
    </ogr:shelters>
  </gml:featureMember>
  <gml:featureMember>
    <ogr:shelters fid="shelters.1">
      <ogr:geometryProperty><gml:MultiPolygon srsName="EPSG:4326"><gml:polygonMember><gml:Polygon><gml:outerBoundaryIs><gml:LinearRing><gml:coordinates>141,42 141.1,42.0 141.1,42.1 141,42</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs></gml:Polygon></gml:polygonMember><gml:polygonMember><gml:Polygon><gml:outerBoundaryIs><gml:LinearRing><gml:coordinates>141.2,42.2 141.3,42.2 141.3,42.3 141.2,42.2</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs></gml:Polygon></gml:polygonMember></gml:MultiPolygon></ogr:geometryProperty>
      <ogr:id>2</ogr:id>
      <ogr:name>North School</ogr:name>
      <ogr:capacity xsi:nil="true"/>
      <ogr:note></ogr:note>
    </ogr:shelters>
  </gml:featureMember>
  <gml:featureMember>
    <ogr:shelters fid="shelters.2">
      <ogr:geometryProperty><gml:Point srsName="EPSG:4326"><gml:coordinates>141.4,42.55</gml:coordinates></gml:Point></ogr:geometryProperty>
      <ogr:id>3</ogr:id>
      <ogr:name>錦岡</ogr:name>
      <ogr:capacity>40</ogr:capacity>
      <ogr:note>津波</ogr:note>
    </ogr:shelters>
  </gml:featureMember>
</ogr:FeatureCollection>
